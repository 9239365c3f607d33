#!/usr/bin/env bash
# `npm test`: provides what the suites need on a fresh machine (Debian's Chromium for the browser
# tests, a throwaway PostgreSQL cluster for the scale-out tests), then runs vitest with any
# arguments given (`npm test -- reference/`). Installing needs root, as on CI; elsewhere, install
# chromium yourself and set AUTOGRADE_TEST_DATABASE_URL to a server whose user may CREATE DATABASE.
set -euo pipefail
cd "$(dirname "$0")/.."

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
    # Installs PostgreSQL if missing, starts a cluster on 127.0.0.1:55432, exports the URL.
    . scripts/ci-postgres.sh
  else
    echo "npm test: the PostgreSQL tests need AUTOGRADE_TEST_DATABASE_URL (run scripts/ci-postgres.sh as root, or point it at your own server)" >&2
  fi
fi

exec npx vitest run "$@"
