# Sourced by .ci/render and .ci/test: installs what threatdoc needs on a fresh Debian machine that has
# only the Swift toolchain. Installs nothing that is already there.
#   source .ci/setup.sh render   # the main job
#   source .ci/setup.sh test     # the test suite (adds Python's jsonschema and PyYAML)

threatdoc_apt_install() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null; then sudo="sudo"; else
            echo "threatdoc: please install: ${missing[*]} (apt-get needs root)" >&2
            return 1
        fi
    fi
    echo "threatdoc: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# axe-core for the accessibility test, pinned by hash, into .build-axe/ (ignored; nothing is committed).
threatdoc_fetch_axe() {
    local folder=".build-axe" expected="84494fec757e4710dc751c8d7a636e457f4532f08f85c86dc9070133fbff53bc"
    if [ -f "$folder/axe.min.js" ] && [ "$(sha256sum "$folder/axe.min.js" | cut -d' ' -f1)" = "$expected" ]; then return 0; fi
    echo "threatdoc: downloading axe-core (.ci/axe-requirements.txt)" >&2
    mkdir -p "$folder/wheel"
    /usr/bin/python3 -m pip download --quiet --no-deps --require-hashes -r .ci/axe-requirements.txt -d "$folder/wheel" || return 1
    /usr/bin/python3 - "$folder" <<'PY' || return 1
import pathlib, sys, zipfile
folder = pathlib.Path(sys.argv[1])
wheel = next(folder.joinpath("wheel").glob("axe_playwright_python-*.whl"))
with zipfile.ZipFile(wheel) as archive:
    folder.joinpath("axe.min.js").write_bytes(archive.read("axe_playwright_python/axe.min.js"))
PY
    [ "$(sha256sum "$folder/axe.min.js" | cut -d' ' -f1)" = "$expected" ] || { echo "threatdoc: axe.min.js hash mismatch" >&2; return 1; }
}

threatdoc_setup() {
    local purpose="${1:-render}"
    command -v swift >/dev/null || { echo "threatdoc: the Swift toolchain is required (swift.org/install)" >&2; return 1; }
    # Git and pkg-config are what SwiftPM needs to fetch packages and find system libraries.
    threatdoc_apt_install git pkg-config ca-certificates libcmark-dev graphviz fonts-dejavu-core
    if [ "$purpose" = "test" ]; then
        # The schema-agreement test validates models with Python's jsonschema, an independent implementation.
        # The browser tests drive Debian's Chromium; the accessibility test runs axe-core in it through Selenium.
        threatdoc_apt_install python3 python3-jsonschema python3-yaml python3-pip python3-selenium chromium chromium-driver curl
        export THREATDOC_PYTHON=/usr/bin/python3
        threatdoc_fetch_axe
    fi
}

threatdoc_setup "$@"
