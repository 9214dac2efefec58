#!/bin/sh
# "Before" screenshots of issue 15 (docs/panel.md, "Before and after"): the panel at a7d5aed.
# Needs a worktree of that commit with its own packages:
#   git worktree add /work/wt-before a7d5aed && (cd /work/wt-before && npm install --no-save)
# Usage: e2e/before/capture.sh [/path/to/that/worktree]
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
before=${1:-/work/wt-before}
# Next to that tree's own fixtures (e2e/support/), which its import then names.
sed "s#\.\./support/#./support/#" "$here/e2e/before/capture.ts" >"$before/e2e/before-capture.e2e.ts"
cd "$before"
BEFORE_ARTIFACTS="$here/e2e/artifacts/before" npx playwright test e2e/before-capture.e2e.ts
rm "$before/e2e/before-capture.e2e.ts"
