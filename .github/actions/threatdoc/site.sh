#!/usr/bin/env bash
# Renders the HTML site into the runner's temporary folder, for the artifact or Pages steps.
set -euo pipefail
read -r -a models <<< "${THREATDOC_MODELS:-models}"
out="${RUNNER_TEMP:?}/threatdoc-site"
threatdoc render --formats html --output "$out" "${models[@]}"
echo "site=$out/html" >> "$GITHUB_OUTPUT"
