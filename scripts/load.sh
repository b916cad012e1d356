#!/usr/bin/env bash
# Bounded load test (part of make test): a test server on loopback, three
# rounds of mixed reads and writes (bench/mix.lua, 44 connections, 8 s
# each). Passes when there is no error, every acknowledged contact and mail
# is in the database (and at most one in flight per connection more), and the server's resident memory does not grow from
# the first round to the last (beyond 15 % + 8 MB), its caches made small.
# Prints "load: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
# As root the server must be told which account to become once its port is open.
AS_USER=$([ "$(id -u)" -eq 0 ] && echo "--user nobody")
SECS=${LOAD_SECONDS:-8}
# A private directory, as `make run` has: the server (dropping root) must be
# able to open new connections to the database in it.
DIR=$(mktemp -d /tmp/openccas-load-XXXXXX)
[ "$(id -u)" -eq 0 ] && chown nobody: "$DIR"
DB=$DIR/ccas.db
LOG=${OPENCCAS_TEST_LOGDIR:-/tmp}/openccas-load.log
passed=0; failed=0
ok() { if [ "$1" = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "ÉCHEC $2"; fi; }
./build/openccas demo --db "sqlite:$DB" --households 300 >/dev/null 2>&1 || { echo "load: 0 passed, 1 failed"; exit 1; }
TOKEN=$(./build/openccas token create --db "sqlite:$DB" --user responsable@demo.openccas.fr 2>/dev/null | tail -n 1)
. scripts/serve-bg.sh
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$DIR"' EXIT
# The caches are made small (1 MB of shared pages, 1 MB a connection), so that
# they are full after the first round: the database grows by every contact and
# mail written, and with the default caches (32 MB shared, 16 MB a connection)
# the memory would rightly grow by as much as it does, round after round,
# hiding a leak of the same size.
serve_bg "$LOG" env OPENCCAS_PAGE_CACHE_MB=1 OPENCCAS_SQLITE_CACHE_MB=1 ./build/openccas serve $AS_USER --db "sqlite:$DB" --threads 4 || { echo "load: 0 passed, 1 failed"; exit 1; }
PID=$SERVER_PID
MOTIVE=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/motives" | grep -o '"id": *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/domiciliations?status=active" | grep -o '"id": *[0-9]*' | grep -o '[0-9]*$' > "$DB.domi"
c0=$(sqlite3 "$DB" "SELECT count(*) FROM contacts"); m0=$(sqlite3 "$DB" "SELECT count(*) FROM domi_mail")
acked_contacts=0; acked_mail=0; errors=0; total=0; rss=()
for round in 1 2 3; do
  out=$(for k in "search 2 12" "household 1 8" "contact 1 8" "aid 4 4" "mail 1 4" "list 1 4" "dashboard 1 4"; do
    set -- $k
    KIND=$1 TOKEN=$TOKEN MAX_ID=300 DOMI=$DB.domi MOTIVE=${MOTIVE:-1} QUERIES=bench/queries.txt \
      wrk -t"$2" -c"$3" -d"${SECS}s" --timeout 10s -s bench/mix.lua "$BASE" 2>&1 | grep -E "^$1 " &
  done; wait)
  total=$((total + $(echo "$out" | awk '{ s += $2 } END { print s }')))
  errors=$((errors + $(echo "$out" | awk '{ s += $3 } END { print s }')))
  acked_contacts=$((acked_contacts + $(echo "$out" | awk '$1 == "contact" { print $2 - $3 }')))
  acked_mail=$((acked_mail + $(echo "$out" | awk '$1 == "mail" { print $2 - $3 }')))
  rss+=("$(awk '/VmRSS/ { print $2 }' /proc/$PID/status)")
  echo "  round $round: $(echo "$out" | awk '{ r += $2; e += $3 } END { printf "%d requests, %d errors", r, e }'), RSS ${rss[-1]} kB"
done
c1=$(sqlite3 "$DB" "SELECT count(*) FROM contacts"); m1=$(sqlite3 "$DB" "SELECT count(*) FROM domi_mail")
ok "$([ "$errors" -eq 0 ] && echo 1)" "erreurs sous charge : $errors"
ok "$([ "$total" -gt 1000 ] && echo 1)" "trop peu de requêtes ($total)"
# Every acknowledged write is there; a few more may be: requests in flight
# when wrk stops are written but not counted (at most one per connection).
ok "$([ $((c1 - c0)) -ge "$acked_contacts" ] && [ $((c1 - c0)) -le $((acked_contacts + 3 * 8)) ] && echo 1)" "contacts : $acked_contacts acquittés, $((c1 - c0)) en base"
ok "$([ $((m1 - m0)) -ge "$acked_mail" ] && [ $((m1 - m0)) -le $((acked_mail + 3 * 4)) ] && echo 1)" "courrier : $acked_mail acquittés, $((m1 - m0)) en base"
ok "$([ "${rss[2]}" -le $(( rss[0] * 115 / 100 + 8192 )) ] && echo 1)" "mémoire en hausse : ${rss[*]} kB"
kill -0 $PID 2>/dev/null; ok "$([ $? -eq 0 ] && echo 1)" "le serveur s’est arrêté"
echo "  $total requests, $errors errors, $acked_contacts contacts and $acked_mail mail written, RSS ${rss[*]} kB"
echo "load: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
