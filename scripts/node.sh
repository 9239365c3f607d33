#!/usr/bin/env bash
# `node "$@"` on a supported Node.js (scripts/node-env.sh): what the npm scripts run through, so
# `npm run autograde`, `npm run build` and `npm run bench` work where the machine's node is older.
set -euo pipefail
source "$(dirname "$0")/node-env.sh"
exec node "$@"
