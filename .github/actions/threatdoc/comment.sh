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
  threatdoc diff "git:origin/${THREATDOC_BASE_REF}" git:HEAD --format markdown
} > "$body"
existing="$(gh api "repos/$repo/issues/$pr/comments" --paginate --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)"
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$repo/issues/comments/$existing" -F "body=@$body" >/dev/null
  echo "comment-id=$existing" >> "$GITHUB_OUTPUT"
  echo "threatdoc: updated comment $existing"
else
  created="$(gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$body" --jq .id)"
  echo "comment-id=$created" >> "$GITHUB_OUTPUT"
  echo "threatdoc: posted comment $created"
fi
