#!/usr/bin/env bash
# `npm start`: the service from the production build. Node 24 first on PATH (scripts/node-env.sh),
# native modules that load under it (scripts/check-native.cjs --repair), `npm run build` when dist/
# is missing or any source file is newer than its stamp, then node on the compiled server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
node scripts/check-native.cjs --repair >&2

# find stops at the first newer file, so a fresh build costs one walk of the source folders.
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find reference exercises grader server cli web scripts/build.ts package.json package-lock.json \
    -newer "$stamp" -type f ! -name '*.test.ts' -print -quit)" ]; then
  echo "npm start: dist/ is missing or older than the source; building" >&2
  node --import tsx scripts/build.ts >&2
fi

# isolated-vm's README asks for --no-node-snapshot on Node 20 and later. This process never loads
# isolated-vm itself (its sandbox workers do, and start with the flag), but any that does works.
exec node --no-node-snapshot dist/server/main.js
