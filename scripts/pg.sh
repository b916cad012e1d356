#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the tests, reachable
# only through a Unix socket in its own directory: no TCP port at all, so
# nothing to choose and nothing another run can take.
#   scripts/pg.sh start   → prints the URL on stdout:
#                           postgresql://postgres@/postgres?host=DIR/sock
#   scripts/pg.sh stop
# OPENCCAS_PG_DIR picks the directory (default: a new one under $TMPDIR,
# remembered in build/pg-dir for stop); OPENCCAS_PG_DURABLE=1 keeps fsync
# on (the benchmark). As root, the cluster runs as the 'postgres' system
# user (initdb refuses root).
set -eu
cd "$(dirname "$0")/.."
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] || { echo "PostgreSQL n'est pas installé (scripts/deps.sh --test)" >&2; exit 1; }
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
STATE=build/pg-dir
case "${1:-}" in
start)
  DIR=${OPENCCAS_PG_DIR:-}
  if [ -z "$DIR" ]; then
    mkdir -p build
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/openccas-pg-XXXXXX")
    echo "$DIR" > "$STATE"
  fi
  mkdir -p "$DIR"
  # The socket's directory is searchable by everyone: the server under test
  # runs as 'nobody' once it drops root.
  mkdir -p "$DIR/sock"; chmod 755 "$DIR" "$DIR/sock"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    rm -rf "$DIR/data"; mkdir -p "$DIR/data"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR/data" "$DIR/sock"
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  durable="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${OPENCCAS_PG_DURABLE:-0}" = 1 ] && durable="-c fsync=on -c synchronous_commit=on"
  if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -w -l "$DIR/data/log" \
      -o "-c listen_addresses='' -k $DIR/sock $durable -c max_connections=300" start >/dev/null
  fi
  echo "postgresql://postgres@/postgres?host=$DIR/sock"
  ;;
stop)
  DIR=${OPENCCAS_PG_DIR:-$(cat "$STATE" 2>/dev/null || true)}
  [ -n "$DIR" ] || exit 0
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
  [ -z "${OPENCCAS_PG_DIR:-}" ] && rm -rf "$DIR" "$STATE"
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
