#!/usr/bin/env bash
# Runs `threatdoc check` with the gates asked for, writes SARIF, annotates the run, and records the
# exit status as a step output instead of failing at once, so that SARIF and the comment still go out.
set -uo pipefail
read -r -a models <<< "${THREATDOC_MODELS:-models}"
sarif="${RUNNER_TEMP:?}/threatdoc.sarif"
threatdoc check --fail-on "${THREATDOC_FAIL_ON:-error}" --format sarif "${models[@]}" > "$sarif"
status=$?
threatdoc validate --format github "${models[@]}" || true
{
  echo "status=$status"
  echo "sarif-file=$sarif"
} >> "$GITHUB_OUTPUT"
{
  echo "### threatdoc check"
  if [ "$status" = "0" ]; then echo "Passed (gates: ${THREATDOC_FAIL_ON:-error})."; else echo "Failed with exit $status (gates: ${THREATDOC_FAIL_ON:-error})."; fi
} >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
exit 0
