#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the test suite and exports AUTOGRADE_TEST_DATABASE_URL.
# Source it from .ci/run (as root, before `npm test`) so the export reaches the tests:
#   . scripts/ci-postgres.sh
# Run directly, it prints the export line to copy. Settings: PG_PORT (55432), PG_DATA (/tmp/autograde-pg).
# Sourced, it also sets CI_POSTGRES_STARTED (1 if this run started the cluster) and defines ci_postgres_stop.
set -euo pipefail

PG_PORT="${PG_PORT:-55432}"
PG_DATA="${PG_DATA:-/tmp/autograde-pg}"
PG_USER=autograde
PG_PASSWORD=autograde

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
# initdb refuses root: the cluster runs as the postgres user the Debian package created.
as_postgres() { runuser -u postgres -- "$@"; }

# Set when this run started the cluster, so a caller (scripts/test.sh) stops only what it started.
CI_POSTGRES_STARTED=
ci_postgres_stop() { as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null; }
if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
  CI_POSTGRES_STARTED=1
  rm -rf "$PG_DATA"
  install -d -o postgres -g postgres "$PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres >/dev/null
  # The suites start several servers, each with a storage pool, pg-boss and a LISTEN connection.
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
    -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
fi

as_postgres "$PG_BIN/psql" -h /tmp -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q <<SQL
SET client_min_messages = warning;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
-- The test role owns every database it creates; DROP DATABASE ... WITH (FORCE) must also end
-- backends that are not the role's own (an autovacuum worker on the database).
GRANT pg_signal_backend TO $PG_USER;
SQL
if ! as_postgres "$PG_BIN/psql" -h /tmp -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_USER'" | grep -q 1; then
  as_postgres "$PG_BIN/createdb" -h /tmp -p "$PG_PORT" -U postgres -O "$PG_USER" "$PG_USER"
fi

export AUTOGRADE_TEST_DATABASE_URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_USER"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT"
echo "export AUTOGRADE_TEST_DATABASE_URL=$AUTOGRADE_TEST_DATABASE_URL"
