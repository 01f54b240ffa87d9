#!/usr/bin/env bash
# Puts threatdoc on the PATH: the release tarball for the runner (checked against its SHA-256), or a
# build of this action's checkout when THREATDOC_VERSION is `source`. Installs libcmark and Graphviz,
# the binary's only run-time needs, when they are missing.
set -euo pipefail
version="${THREATDOC_VERSION:?}"
base="${THREATDOC_RELEASE_URL:-https://github.com/threatdoc/threatdoc/releases/download}"
dest="${RUNNER_TEMP:?}/threatdoc"
mkdir -p "$dest"

if ! command -v dot >/dev/null || ! ldconfig -p 2>/dev/null | grep -q libcmark; then
  if [ "${THREATDOC_SKIP_APT:-}" != "1" ]; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends graphviz libcmark0.30.2 libcurl4 fonts-dejavu-core >/dev/null
  fi
fi

if [ "$version" = "source" ]; then
  root="$(cd "$GITHUB_ACTION_PATH/../../.." && pwd)"
  (cd "$root" && swift build -c release --product threatdoc)
  cp "$root/.build/release/threatdoc" "$dest/threatdoc"
else
  case "$(uname -m)" in
    x86_64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) echo "::error title=threatdoc::no release for $(uname -m); set version: source"; exit 1 ;;
  esac
  name="threatdoc-${version}-linux-${arch}.tar.gz"
  curl --fail --silent --show-error --location --output "$dest/$name" "$base/v${version}/$name"
  curl --fail --silent --show-error --location --output "$dest/$name.sha256" "$base/v${version}/$name.sha256"
  # The tarball's own hash against the first word of the published one (sha256sum --check would hash
  # whatever file the list names).
  expected="$(head -c 64 "$dest/$name.sha256")"
  actual="$(sha256sum "$dest/$name" | cut -d' ' -f1)"
  if [ "${#expected}" != 64 ] || [ "$expected" != "$actual" ]; then
    echo "::error title=threatdoc::$name does not match its published SHA-256"
    exit 1
  fi
  tar -xzf "$dest/$name" -C "$dest" --strip-components=1
  mv "$dest/bin/threatdoc" "$dest/threatdoc"
fi
"$dest/threatdoc" --version
echo "$dest" >> "$GITHUB_PATH"
