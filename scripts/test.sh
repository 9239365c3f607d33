#!/usr/bin/env bash
# `npm test`: runs on Node 24 (scripts/node-env.sh fetches it from the npm registry when the
# machine's node is older than 22) with native modules that load under it (scripts/check-native.cjs
# rebuilds them if `npm install` ran under another node), provides what the suites need on a fresh
# machine (Debian's Chromium for the browser tests, a throwaway PostgreSQL cluster for the
# scale-out tests, stopped again at exit if this run started it), then runs vitest with any
# arguments given (`npm test -- reference/`). Installing needs root, as on CI; elsewhere, install
# chromium yourself and set AUTOGRADE_TEST_DATABASE_URL to a server whose user may CREATE DATABASE.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
node scripts/check-native.cjs --repair

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "npm test: the browser tests need Debian's Chromium at /usr/bin/chromium (sudo apt-get install -y chromium)" >&2
  fi
fi

if [ -z "${AUTOGRADE_TEST_DATABASE_URL:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    # Installs PostgreSQL if missing, starts a cluster on 127.0.0.1:55432 unless one runs, exports the URL.
    . scripts/ci-postgres.sh
    if [ -n "$CI_POSTGRES_STARTED" ]; then trap ci_postgres_stop EXIT; fi
  else
    echo "npm test: the PostgreSQL tests need AUTOGRADE_TEST_DATABASE_URL (run scripts/ci-postgres.sh as root, or point it at your own server)" >&2
  fi
fi

# Not exec: the EXIT trap above must run after vitest.
npx vitest run "$@"
