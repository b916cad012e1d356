#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster on loopback for the tests.
#   scripts/pg.sh start   → prints the URL (postgresql://…) on stdout
#   scripts/pg.sh stop
# As root, the cluster runs as the 'postgres' system user (initdb refuses root).
set -eu
PORT=${OPENCCAS_PG_PORT:-55432}
DIR=${OPENCCAS_PG_DIR:-/tmp/openccas-pg-$PORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] || { echo "PostgreSQL n'est pas installé (scripts/deps.sh --test)" >&2; exit 1; }
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-}" in
start)
  if [ ! -f "$DIR/PG_VERSION" ]; then
    rm -rf "$DIR"; mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
    as_pg "$BIN/initdb" -D "$DIR" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
    as_pg "$BIN/pg_ctl" -D "$DIR" -w -l "$DIR/log" \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c max_connections=300 -c full_page_writes=off" start >/dev/null
  fi
  echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
  ;;
stop)
  as_pg "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
