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

threatdoc_setup() {
    local purpose="${1:-render}"
    command -v swift >/dev/null || { echo "threatdoc: the Swift toolchain is required (swift.org/install)" >&2; return 1; }
    # Git and pkg-config are what SwiftPM needs to fetch packages and find system libraries.
    threatdoc_apt_install git pkg-config ca-certificates libcmark-dev graphviz fonts-dejavu-core
    if [ "$purpose" = "test" ]; then
        # The schema-agreement test validates models with Python's jsonschema, an independent implementation.
        threatdoc_apt_install python3 python3-jsonschema python3-yaml chromium
        export THREATDOC_PYTHON=/usr/bin/python3
    fi
}

threatdoc_setup "$@"
