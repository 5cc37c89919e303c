#!/usr/bin/env bash
# Installs (from Debian's packages, when missing) and starts PostgreSQL and Redis on loopback
# for the test suite, then prints the variables that point the tests at them:
#   eval "$(scripts/test-services.sh)"
# Idempotent: services already running are left as they are. Needs root for apt-get.
set -euo pipefail

PG_PORT=${LIAISON_TEST_PG_PORT:-55432}
REDIS_PORT=${LIAISON_TEST_REDIS_PORT:-56379}
STATE_DIR=${LIAISON_TEST_SERVICES_DIR:-/tmp/liaison-test-services}

log() { echo "test-services: $*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

if [ -z "$(pg_bin)" ] || ! command -v redis-server >/dev/null 2>&1; then
  log "installing postgresql and redis-server from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql redis-server >&2
fi
PG_BIN=$(pg_bin)

# PostgreSQL refuses to run as root: give it a directory the postgres user owns.
mkdir -p "$STATE_DIR"
chmod 755 "$STATE_DIR"
PG_DATA="$STATE_DIR/pg"
as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}
if [ ! -s "$PG_DATA/PG_VERSION" ]; then
  log "initialising a PostgreSQL cluster in $PG_DATA"
  mkdir -p "$PG_DATA"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
  as_postgres "$PG_BIN/initdb -D '$PG_DATA' -U postgres --auth=trust -E UTF8 >/dev/null"
fi
if ! as_postgres "$PG_BIN/pg_isready -h 127.0.0.1 -p $PG_PORT -q"; then
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_postgres "$PG_BIN/pg_ctl -D '$PG_DATA' -l '$PG_DATA/server.log' -w \
    -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k '$PG_DATA' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start >/dev/null"
fi

# Every test creates its own database; drop those earlier runs left behind, or they pile up
# (a few MB each, thousands of tests).
as_postgres "$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -Atq -c \"SELECT 'DROP DATABASE ' || quote_ident(datname) || ';' FROM pg_database WHERE datname LIKE 'liaison\\_test\\_%'\" | $PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -q >/dev/null"

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --daemonize yes --dir "$STATE_DIR" --logfile "$STATE_DIR/redis.log"
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

echo "export LIAISON_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "export LIAISON_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
