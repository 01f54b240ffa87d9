#!/usr/bin/env bash
# Runs `threatdoc check` with the gates asked for, writes SARIF, annotates the run, and records the
# exit status as a step output instead of failing at once, so that SARIF and the comment still go out.
set -uo pipefail
read -r -a models <<< "${THREATDOC_MODELS:-models}"
sarif="${RUNNER_TEMP:?}/threatdoc.sarif"
gates=()
# Without fail-on, the project file's `gates:` apply (check's own default otherwise).
[ -n "${THREATDOC_FAIL_ON:-}" ] && gates=(--fail-on "$THREATDOC_FAIL_ON")
threatdoc check "${gates[@]}" --format sarif "${models[@]}" > "$sarif"
status=$?
threatdoc validate --format github "${models[@]}" || true
{
  echo "status=$status"
  echo "sarif-file=$sarif"
} >> "$GITHUB_OUTPUT"
named="${THREATDOC_FAIL_ON:-}"
[ -n "$named" ] || named="the project file's gates"
{
  echo "### threatdoc check"
  if [ "$status" = "0" ]; then echo "Passed ($named)."; else echo "Failed with exit $status ($named)."; fi
} >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
exit 0
