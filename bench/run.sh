#!/usr/bin/env bash
# The benchmark of BENCHMARK.md: a big city's day at the counter.
#   bench/run.sh [HOUSEHOLDS] [sqlite|postgresql]
# `make bench` = 400,000 households on SQLite then PostgreSQL;
# `make bench-quick` = 40,000 households, a few minutes.
# The dataset is built once per size and engine (cached in build/bench/)
# and copied before each run, so every run starts from the same data.
# Prints one table and appends it, with date, commit and machine, to
# bench/RESULTS.md (or, from a read-only checkout, to RESULTS.md in the
# output directory: BENCH_DIR, else $TMPDIR/openccas-bench). The server runs
# with the durability a user gets by default (SQLite synchronous=FULL;
# PostgreSQL fsync and synchronous_commit on); BENCH_SYNC=normal measures
# SQLite's other setting, and the table says which. Needs wrk
# (scripts/deps.sh --test).
set -u
cd "$(dirname "$0")/.."
say() { printf '%s\n' "$*" >&2; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# As root the server must be told which account to become once its port is open.
AS_USER=$([ "$(id -u)" -eq 0 ] && echo "--user nobody")
N=${1:-40000}
ENGINE=${2:-sqlite}
DUR=${BENCH_SECONDS:-30}
AGENTS=64
if [ -n "${BENCH_DIR:-}" ]; then CACHE=$BENCH_DIR
elif [ -w . ]; then CACHE=build/bench
else CACHE=${TMPDIR:-/tmp}/openccas-bench; fi
mkdir -p "$CACHE" || exit 1
RESULTS=bench/RESULTS.md
[ -w bench ] && [ -w . ] || RESULTS=$CACHE/RESULTS.md
SYNC=${BENCH_SYNC:-full}
# The server's own default number of threads unless BENCH_THREADS says otherwise.
THREADS_OPT=${BENCH_THREADS:+--threads $BENCH_THREADS}
# BENCH_PARTS=mix: the day at the counter only (to try a setting); the table is printed, not kept.
PARTS=${BENCH_PARTS:-all}
CEIL=0 REP_DOMI=0 REP_AID=0 FLOOR="" IMPORT=""
# As root the server runs as nobody: it creates SQLite's -wal file beside the database.
[ "$(id -u)" -eq 0 ] && chown nobody: "$CACHE"
command -v wrk >/dev/null || bash scripts/deps.sh --test >/dev/null || { echo "wrk introuvable"; exit 1; }
if [ -w . ]; then make -s build/openccas build/search_floor >/dev/null || exit 1; fi
BIN=${OPENCCAS_BIN:-./build/openccas}
FLOORBIN=$(dirname "$BIN")/search_floor
[ -x "$BIN" ] || { say "$BIN introuvable : construisez-le (make) ou donnez OPENCCAS_BIN"; exit 1; }

# ---- dataset ------------------------------------------------------------------
GEN=""
if [ "$ENGINE" = sqlite ]; then
  PRISTINE=$CACHE/ccas-$N.db
  if [ ! -f "$PRISTINE" ]; then
    say "Jeu de données : $N foyers (une fois, gardé dans $CACHE)…"
    t0=$(ms); $BIN demo --db "sqlite:$PRISTINE.tmp" --households "$N" --seed 1 >/dev/null || exit 1
    echo $(( $(ms) - t0 )) > "$PRISTINE.gen"; mv "$PRISTINE.tmp" "$PRISTINE"
  fi
  GEN=$(cat "$PRISTINE.gen" 2>/dev/null || echo "")
  WORK=$CACHE/work.db
  rm -f "$WORK" "$WORK-wal" "$WORK-shm"; cp "$PRISTINE" "$WORK"
  URL="sqlite:$WORK"
  SIZE=$(du -b "$PRISTINE" | cut -f1)
else
  case $CACHE in /*) PGDIR=$CACHE/pg ;; *) PGDIR=$PWD/$CACHE/pg ;; esac
  # fsync and synchronous_commit on: the durability a deployment has.
  PGBASE=$(OPENCCAS_PG_DURABLE=1 OPENCCAS_PG_DIR=$PGDIR bash scripts/pg.sh start) || exit 1
  pgurl() { echo "postgresql://postgres@/$1?${PGBASE#*\?}"; }
  PSQL="psql -q -At -d $PGBASE"
  NAME=bench_$N
  if [ "$($PSQL -c "SELECT 1 FROM pg_database WHERE datname = '$NAME'")" != 1 ]; then
    say "Jeu de données PostgreSQL : $N foyers (une fois)…"
    $PSQL -c "CREATE DATABASE ${NAME}_tmp" || exit 1
    t0=$(ms); $BIN demo --db "$(pgurl "${NAME}_tmp")" --households "$N" --seed 1 >/dev/null || exit 1
    echo $(( $(ms) - t0 )) > "$CACHE/pg-$N.gen"
    $PSQL -c "ALTER DATABASE ${NAME}_tmp RENAME TO $NAME" || exit 1
  fi
  GEN=$(cat "$CACHE/pg-$N.gen" 2>/dev/null || echo "")
  $PSQL -c "DROP DATABASE IF EXISTS bench_work" && $PSQL -c "CREATE DATABASE bench_work TEMPLATE $NAME" || exit 1
  URL=$(pgurl bench_work)
  SIZE=$($PSQL -c "SELECT pg_database_size('$NAME')")
fi

# ---- server -------------------------------------------------------------------
TOKEN=$($BIN token create --db "$URL" --user responsable@demo.openccas.fr 2>/dev/null | tail -n 1)
LOG=$CACHE/server.log
t0=$(ms)
. scripts/serve-bg.sh
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null' EXIT
serve_bg "$LOG" $BIN serve $AS_USER --db "$URL" $THREADS_OPT --sync "$SYNC" || exit 1
THREADS=$(sed -n 's/.* with \([0-9]*\) threads.*/\1/p' "$LOG" | head -n 1)
PID=$SERVER_PID
until curl -sf "$BASE/healthz" >/dev/null; do kill -0 $PID 2>/dev/null || { cat "$LOG"; exit 1; }; done
START=$(( $(ms) - t0 ))
# The day is measured with the search index in memory built (a server runs all day; the index builds in the
# background after the start, the database answering the searches meanwhile): its line in the log, waited for.
# Waits (five minutes at most) for the line the server logs once a structure's search index is built.
wait_index() { for i in $(seq 1 3000); do grep -q "search index of structure" "$1" && return 0; kill -0 "$2" 2>/dev/null || exit 1; sleep 0.1; done; }
wait_index "$LOG" $PID
IXLINE=$(grep -m1 -o "search index of structure [0-9]*: .*" "$LOG" | sed 's/^search index of structure [0-9]*: //')
MOTIVE=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/motives" | grep -o '"id": *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
DOMI=$CACHE/domi.txt
# Every active domiciliation, page by page: the mail lands all over the dataset, not on the first page's.
: > "$DOMI"
for p in $(seq 1 1000); do
  got=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/domiciliations?status=active&limit=5000&page=$p" | grep -o '"id": *[0-9]*' | grep -o '[0-9]*$')
  [ -n "$got" ] || break
  printf '%s\n' "$got" >> "$DOMI"
done
[ -s "$DOMI" ] || { say "aucune domiciliation active"; exit 1; }
# The households with a grocery decision in force, for the till (the « list » kind).
FOOD=$CACHE/food.txt
for p in 1 2 3 4 5 6 7 8 9 10; do curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/food/decisions?liste=actives&page=$p"; done | grep -o '"household_id": *[0-9]*, *"kind": *"epicerie"' |
  grep -o '"household_id": *[0-9]*' | grep -o '[0-9]*$' > "$FOOD"
[ -s "$FOOD" ] || { say "aucun droit à l’épicerie en cours"; exit 1; }

# ---- the HTTP ceiling: a static file through the same server ------------------
say "Plafond HTTP (fichier statique, $AGENTS connexions, 10 s)…"
[ "$PARTS" = all ] && CEIL=$(wrk -t2 -c$AGENTS -d10s "$BASE/static/style.css" | awk '/Requests\/sec/ { printf "%d", $2 }')
# The machine's own tail: the same file asked by one connection, one request at a time (its p99 is the wake-ups'
# of two processes, nothing of the server's work) — the least any request's p99 can be here.
ONE=""
[ "$PARTS" = all ] && ONE=$(wrk -t1 -c1 -d5s --latency "$BASE/static/style.css" | awk '
  function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
  $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } END { if (p99 != "") printf "%.2f %.2f", p50, p99 }')

# ---- the day at the counter: one wrk, each agent a connection of its own ---------
# Every connection sends the kinds in the designed proportions (bench/mix.lua, KIND=mix) and times each
# request: the shares are the design's whatever the scheduler does, and each kind has its own percentiles.
say "Journée au guichet : $AGENTS agents, ${DUR} s…"
OUT=$CACHE/mix.txt
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat; }
MIX0=$(awk '{ print $14 + $15 }' /proc/$PID/stat); BUSY0=$(busy)
KIND=mix TOKEN=$TOKEN MAX_ID=$N DOMI=$DOMI FOOD=$FOOD MOTIVE=${MOTIVE:-1} QUERIES=bench/queries.txt \
  wrk -t$AGENTS -c$AGENTS -d"${DUR}s" --timeout 10s -s bench/mix.lua "$BASE" 2>&1 |
  grep -E "^(search|household|contact|aid|mail|list|dashboard) " > "$OUT"
MIX1=$(awk '{ print $14 + $15 }' /proc/$PID/stat); BUSY1=$(busy)
# During the mix: the server's share of the two cores, and how busy the machine was (the rest is idle or waiting for the disk).
MIXCPU=$(awk -v a="$BUSY0" -v b="$BUSY1" -v s0="$MIX0" -v s1="$MIX1" 'BEGIN { split(a, x, " "); split(b, y, " ")
  tot = (y[1] - x[1]) + (y[2] - x[2]); if (tot <= 0) tot = 1
  printf "server %.0f %%, whole machine %.0f %% busy (of two cores)", 100 * (s1 - s0) / tot, 100 * (y[1] - x[1]) / tot }')
RSS=$(awk '/VmHWM/ { printf "%d", $2 / 1024 }' /proc/$PID/status)

# ---- the same day under load, not saturated: a fixed arrival rate ---------------------------------------------
# The day above is a closed loop: 64 agents who never pause, each request waiting behind the others' (its
# latency is the queue's: 64 / throughput on average, whatever the server's speed). The same mix at a fixed
# rate (BENCH_RATE, else half of the throughput above), requests arriving at random (bench/mix.lua, RATE), each
# timed from when it was due: the latency an agent sees on a busy day.
PACED=$CACHE/paced.txt
RATE=${BENCH_RATE:-$(awk '{ t += $5 } END { printf "%d", int(t / 200) * 100 }' "$OUT")}
: > "$PACED"
if [ "$PARTS" = all ] && [ "${RATE:-0}" -gt 0 ]; then
  say "La même journée à $RATE requêtes/s (arrivées au hasard), ${DUR} s…"
  KIND=mix RATE=$RATE CONNS=$AGENTS TOKEN=$TOKEN MAX_ID=$N DOMI=$DOMI FOOD=$FOOD MOTIVE=${MOTIVE:-1} QUERIES=bench/queries.txt \
    wrk -t$AGENTS -c$AGENTS -d"${DUR}s" --timeout 10s -s bench/mix.lua "$BASE" 2>&1 |
    grep -E "^(search|household|contact|aid|mail|list|dashboard) " > "$PACED"
fi

# ---- CPU per request, each kind alone: the server's /proc counters before and after, and wrk's own ----------
# Steadier than throughput on a noisy machine; the load generator's share says how much of the two cores it took.
# One connection a wrk thread, as in the day: the script's state is its thread's (the aid's request in progress, its
# version), and two connections of one thread mixed their answers — a third of the aid's requests were refused
# (409, 404), cheap refusals that lowered its CPU per request.
CPUOUT=$CACHE/cpu.txt
: > "$CPUOUT"
[ "$PARTS" = all ] || KINDS_ALONE=""
ticks() { awk '{ print $14 + $15 }' /proc/$1/stat; }
HZ=$(getconf CLK_TCK)
for k in ${KINDS_ALONE-search household contact aid mail list dashboard}; do
  before=$(ticks $PID)
  /usr/bin/time -f "%U %S" -o "$CACHE/wrk-time.txt" env KIND=$k TOKEN=$TOKEN MAX_ID=$N DOMI=$DOMI FOOD=$FOOD MOTIVE=${MOTIVE:-1} \
    QUERIES=bench/queries.txt wrk -t16 -c16 -d5s --timeout 10s -s bench/mix.lua "$BASE" 2>&1 | grep -E "^$k " > "$CACHE/alone.txt"
  after=$(ticks $PID)
  awk -v k=$k -v t=$(( after - before )) -v hz=$HZ -v w="$(tail -n 1 "$CACHE/wrk-time.txt")" '
    { split(w, u, " "); srv = t / hz; gen = u[1] + u[2]
      printf "%s %d %.3f %.0f\n", k, $2, ($2 ? 1000 * srv / $2 : 0), ((srv + gen) > 0 ? 100 * gen / (srv + gen) : 0) }' "$CACHE/alone.txt" >> "$CPUOUT"
done

# ---- yearly reports (whole dataset) -------------------------------------------
Y=$(( $(date +%Y) - 1 ))
[ "$PARTS" = all ] && REP_DOMI=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$BASE/domiciliation/rapport?du=$Y-01-01&au=$Y-12-31")
[ "$PARTS" = all ] && REP_AID=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$BASE/aides/budget?annee=$Y")
kill $PID; wait $PID 2>/dev/null; trap - EXIT
# SQLite's group commit: how many commits shared one sync of the WAL (the server says it as it stops).
GROUP=$(sed -n 's/.*store: \([0-9]*\) commits, \([0-9]*\) syncs of the WAL.*/\1 \2/p' "$LOG" | tail -n 1)
# The reference lists kept in memory (DB_KEPT): a list read from the database at every request would show here.
KEPT=$(sed -n 's/.*store: kept lists: \([0-9]*\) answered from memory, \([0-9]*\) read from the database.*/\1 \2/p' "$LOG" | tail -n 1)

# ---- the agent home at 30,000 active domiciliations (SQLite) -------------------
# DomiFa's city scale, on its own copy of the dataset (the day above adds thousands of open aid requests in
# 30 s, which no CCAS has): active domiciliations added straight into the database up to 30,000, last contacts
# over 200 days (a third never), ends over the year to come, statistics refreshed as the server does for a
# table that grew; then the home page alone, for the reception agent and for the manager (every widget), 64
# connections, 10 s each.
HOME30="not measured (SQLite only)"
if [ "$PARTS" = all ] && [ "$ENGINE" = sqlite ]; then
  say "Accueil de l’agent à 30 000 domiciliations actives…"
  HDB=$CACHE/home.db
  rm -f "$HDB" "$HDB-wal" "$HDB-shm"; cp "$PRISTINE" "$HDB"
  [ -f "$WORK.journal-key" ] && cp "$WORK.journal-key" "$HDB.journal-key"
  [ "$(id -u)" -eq 0 ] && chown nobody: "$HDB" && { [ -f "$HDB.journal-key" ] && chown nobody: "$HDB.journal-key"; true; }
  sqlite3 -cmd ".timeout 30000" "$HDB" "
    INSERT INTO domiciliations (structure_id, person_id, household_id, status, requested_on, first_on, start_on, end_on, decided_on,
      last_contact_on, created_at, num)
    SELECT p.structure_id, p.id, p.household_id, 'active', date('now', '-1 year'), date('now', '-1 year'), date('now', '-1 year'),
      date('now', '+' || (p.id % 365) || ' days'), date('now', '-1 year'),
      CASE WHEN p.id % 3 = 0 THEN NULL ELSE date('now', '-' || (p.id % 200) || ' days') END, unixepoch(),
      (SELECT coalesce(max(num), 0) FROM domiciliations) + row_number() OVER (ORDER BY p.id)
    FROM persons p WHERE p.relation = 'demandeur' AND NOT EXISTS (SELECT 1 FROM domiciliations d WHERE d.person_id = p.id)
    LIMIT max(0, 30000 - (SELECT count(*) FROM domiciliations WHERE status = 'active'));
    PRAGMA analysis_limit = 1000; ANALYZE domiciliations;" >/dev/null || exit 1
  ACTIVE=$(sqlite3 "$HDB" "SELECT count(*) FROM domiciliations WHERE status = 'active'")
  HOME30="$ACTIVE active domiciliations:"
  serve_bg "$CACHE/home.log" $BIN serve $AS_USER --db "sqlite:$HDB" $THREADS_OPT --sync "$SYNC" || exit 1
  trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null' EXIT
  # As for the day: measured once the search index is built (its build took a core during the first seconds).
  wait_index "$CACHE/home.log" $SERVER_PID
  for who in accueil responsable; do
    T=$($BIN token create --db "sqlite:$HDB" --user $who@demo.openccas.fr 2>/dev/null | tail -n 1)
    curl -s -o /dev/null -H "Authorization: Bearer $T" "$BASE/" # a first one, not timed
    before=$(ticks $SERVER_PID)
    got=$(KIND=dashboard TOKEN=$T MAX_ID=$N DOMI=$DOMI QUERIES=bench/queries.txt wrk -t2 -c$AGENTS -d10s --timeout 10s \
      -s bench/mix.lua "$BASE" 2>&1 | grep -E "^dashboard ")
    after=$(ticks $SERVER_PID)
    HOME30="$HOME30 $(echo "$got" | awk -v w=$who -v t=$(( after - before )) -v hz=$HZ '{ printf "%s %.0f req/s (p99 %.1f ms, %d errors, server CPU %.2f ms/req);", w, $5, $7, $3, ($2 ? 1000 * t / hz / $2 : 0) }')"
  done
  kill $SERVER_PID; wait $SERVER_PID 2>/dev/null; trap - EXIT
  rm -f "$HDB" "$HDB-wal" "$HDB-shm" "$HDB.journal-key"
fi

# ---- the storage floor: the search without HTTP (the index in memory, the rows from the database) ----
# 20 rounds of the queries (1 000 samples): with 3, its p99 was the second-slowest query and moved tenfold.
[ "$PARTS" = all ] && FLOOR=$("$FLOORBIN" "$URL" 1 bench/queries.txt 20 2>/dev/null | sed -nE 's/.*p50 ([0-9]+) µs, p99 ([0-9]+) µs.*/\1 \2/p')

# ---- import of a 1-million-row persons CSV -------------------------------------
CSV=$CACHE/personnes-1M.csv
[ -f "$CSV" ] || awk -v N=100000000 -v ROWS=1000000 -f bench/persons.awk > "$CSV"
[ "$PARTS" = all ] && IMPORT=$($BIN import personnes --db "$URL" --user admin@demo.openccas.fr "$CSV" 2>&1 | grep -o '([0-9]* lignes par seconde)' | grep -o '[0-9]*')

# ---- the table ----------------------------------------------------------------
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
MEM=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
if [ "$ENGINE" = sqlite ] && [ "$SYNC" = full ]; then
  DURABLE="SQLite, the default: a commit is answered once the WAL is on disk (one sync shared by the commits of the moment$([ -n "$GROUP" ] && awk -v g="$GROUP" 'BEGIN { split(g, x, " "); printf ": %d commits, %d syncs", x[1], x[2] }'))"
elif [ "$ENGINE" = sqlite ]; then DURABLE="SQLite synchronous=NORMAL, no sync at commit (BENCH_SYNC=normal: a power cut may lose the last commits)"
else DURABLE="PostgreSQL fsync=on, synchronous_commit=on (the defaults)"; fi
TABLE=$(awk -v ceil="$CEIL" -v durable="$DURABLE" -v cpu="$CPUOUT" -v floor="$FLOOR" -v rss="$RSS" -v start="$START" -v size="$SIZE" -v imp="${IMPORT:-?}" \
  -v rd="$REP_DOMI" -v ra="$REP_AID" -v gen="$GEN" -v n="$N" -v eng="$ENGINE" -v dur="$DUR" -v threads="${THREADS:-?}" -v mixcpu="$MIXCPU" -v home30="$HOME30" -v ixline="${IXLINE:-not built}" -v paced="$PACED" -v one="$ONE" -v rate="${RATE:-0}" -v ratewhy="${BENCH_RATE:+BENCH_RATE}" -v kept="$KEPT" '
  { kind[NR] = $1; req[NR] = $2; err[NR] = $3; rps[NR] = $5; p50[NR] = $6; p99[NR] = $7; mx[NR] = $8; tot += $5; errs += $3; if ($1 == "search") sp99 = $7 }
  END {
    design["search"] = 35; design["household"] = 25; design["contact"] = 15; design["aid"] = 10; design["mail"] = 5; design["list"] = 5; design["dashboard"] = 5
    while ((getline line < cpu) > 0) { split(line, c, " "); cms[c[1]] = c[3]; gshare[c[1]] = c[4] }
    printf "| kind | share (designed) | req/s | p50 ms | p99 ms | max ms | errors | server CPU ms/req alone | wrk share of CPU |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    drift = 0
    for (i = 1; i <= NR; i++) {
      sh = 100 * rps[i] / tot; d = sh - design[kind[i]]; if (d < 0) d = -d; if (d > drift) drift = d
      printf "| %s | %.0f %% (%d %%) | %.0f | %.2f | %.2f | %.0f | %d | %.2f | %d %% |\n", kind[i], sh, design[kind[i]], rps[i], p50[i], p99[i], mx[i], err[i], cms[kind[i]], gshare[kind[i]]
    }
    printf "| **all** | 100 %% | **%.0f** | | | | **%d** | | |\n\n", tot, errs
    printf "* durability: %s\n", durable
    printf "* mix: one wrk, %d agents each sending the kinds in the designed proportions; the furthest kind is %.1f points from its share%s\n", 64, drift, (drift > 3 ? " — **over 3 points: this run is not the designed mix**" : "")
    split(floor, f, " ")
    printf "* engine %s, %d households, %d agents for %d s, server with %s threads\n", eng, n, 64, dur, threads
    printf "* HTTP ceiling (static file, same server): %d req/s — mixed workload = %.0f %% of it\n", ceil, ceil ? 100 * tot / ceil : 0
    if (one != "") { split(one, o, " "); printf "* the machine’s own tail (the static file, one connection, one request at a time): p50 %.2f ms, p99 %.2f ms\n", o[1], o[2] }
    printf "* storage floor (the search without HTTP: its index in memory, the rows from the database): p50 %.2f ms, p99 %.2f ms — search p99 end to end = %.1f × the floor p99\n", f[1] / 1000, f[2] / 1000, f[2] ? sp99 / (f[2] / 1000) : 0
    np = 0; ptot = 0; perrs = 0; pline = ""
    while ((getline line < paced) > 0) {
      split(line, c, " "); np++; ptot += c[5]; perrs += c[3]; if (c[1] == "search") psp99 = c[7]
      pline = pline sprintf("%s%s %.1f / %.1f", (np > 1 ? ", " : ""), c[1], c[6], c[7])
    }
    if (np) printf "* the same day at a fixed rate of %d req/s (%s; arrivals at random; each request timed from when it was due): %.0f req/s answered, %d errors; p50 / p99 ms: %s — search p99 = %.1f × the floor p99%s\n", rate, (ratewhy != "" ? "given" : "half the throughput above"), ptot, perrs, pline, f[2] ? psp99 / (f[2] / 1000) : 0, (ptot < 0.95 * rate ? " — **the server did not keep up with the rate: these latencies are a queue’s**" : "")
    printf "* processor during the mix: %s\n", mixcpu
    if (kept != "") { split(kept, k, " "); printf "* reference lists kept in memory (the server’s whole run): %d answered from memory, %d read from the database\n", k[1], k[2] }
    printf "* server peak memory (VmHWM): %d MB\n", rss
    printf "* start-up to the first answered request: %d ms; search index in memory (first structure): %s\n", start, ixline
    printf "* the agent home page alone at 30,000 domiciliations: %s\n", home30
    printf "* yearly reports over the whole dataset: domiciliation %.3f s, optional aid budget %.3f s\n", rd, ra
    printf "* import of a 1,000,000-row persons CSV: %s rows/s\n", imp
    if (gen == "") printf "* database size: %.2f GB; dataset built: time not known (built before this run, outside it)\n", size / 1e9
    else printf "* database size: %.2f GB; dataset built in %.0f s\n", size / 1e9, gen / 1000
    if (drift > 3) exit 3
  }' "$OUT")
DRIFT=$?
HEAD="### $(date -u +%Y-%m-%d) · commit $COMMIT · $ENGINE · $N households · $(nproc) cores ($CPU), ${MEM} GiB"
printf '\n%s\n\n%s\n' "$HEAD" "$TABLE"
[ "$PARTS" = all ] && printf '\n%s\n\n%s\n' "$HEAD" "$TABLE" >> "$RESULTS"
# For the growth curve (bench/curve.sh): this size's figures per kind, and the whole.
[ "$PARTS" = all ] && { cp "$OUT" "$CACHE/curve-$ENGINE-$N.txt"; echo "rss $RSS" >> "$CACHE/curve-$ENGINE-$N.txt"; }
[ "$DRIFT" = 0 ] || { say "La répartition des requêtes s’écarte du mélange prévu de plus de 3 points : mesure refusée."; exit 1; }
