#!/usr/bin/env bash
# Posts `threatdoc diff` against the base branch as one pull-request comment, updated in place on
# later pushes: the comment is found again by a hidden marker.
set -euo pipefail
marker="<!-- threatdoc-diff -->"
repo="${GITHUB_REPOSITORY:?}"
pr="${THREATDOC_PR_NUMBER:?}"
body="${RUNNER_TEMP:?}/threatdoc-comment.md"
git config --global --add safe.directory "${GITHUB_WORKSPACE:-$PWD}" 2>/dev/null || true
git fetch --no-tags --depth=1 origin "${THREATDOC_BASE_REF:?}" 2>/dev/null || true
{
  echo "$marker"
  # A side with model errors cannot be compared: the comment says so instead of disappearing.
  if ! threatdoc diff "git:origin/${THREATDOC_BASE_REF}" git:HEAD --format markdown 2> "$body.err"; then
    echo "threatdoc could not compare the models of the two sides:"
    echo
    echo '```text'
    head -c 4000 "$body.err"
    echo '```'
  fi
} > "$body"
# Only a bot's comment is updated: a person's comment that starts with the marker is not ours.
existing="$(gh api "repos/$repo/issues/$pr/comments" --paginate \
  --jq ".[] | select(.user.type == \"Bot\" and (.body | startswith(\"$marker\"))) | .id" | head -n 1)" || existing=""
# A pull request from a fork gets a read-only token: the comment cannot be posted, which is not a failure.
if [ -n "$existing" ]; then
  if gh api --method PATCH "repos/$repo/issues/comments/$existing" -F "body=@$body" >/dev/null; then
    echo "comment-id=$existing" >> "$GITHUB_OUTPUT"
    echo "threatdoc: updated comment $existing"
  else
    echo "::warning title=threatdoc::cannot update the diff comment (a read-only token, as on pull requests from forks)"
  fi
elif created="$(gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$body" --jq .id)"; then
  echo "comment-id=$created" >> "$GITHUB_OUTPUT"
  echo "threatdoc: posted comment $created"
else
  echo "::warning title=threatdoc::cannot post the diff comment (a read-only token, as on pull requests from forks)"
fi
cat "$body" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
