#!/usr/bin/env bash
# The whole suite: unit tests and HTTP tests on SQLite and PostgreSQL, with
# the plain build and the ASan+UBSan build, the fuzz targets for a short
# bounded time, and the browser tests with an accessibility audit.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
LOGDIR=build/test-logs
rm -rf "$LOGDIR"; mkdir -p "$LOGDIR"
export OPENCCAS_TEST_LOGDIR="$PWD/$LOGDIR"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
start=$(date +%s)

echo "== construction"
make -s -j2 build/openccas build/search_floor build/asan/openccas tests-build fuzz-build || { echo "0 passed, 1 failed"; exit 1; }

PASSED=0; FAILED=0
tally() { # name logfile exit-code
  local line p f
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
  if [ -n "$line" ]; then
    p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/')
  else p=0; f=1; fi
  if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  if [ "$f" -eq 0 ]; then printf '  ok    %-34s %s\n' "$1" "$p passed"
  else printf '  ÉCHEC %-34s %s (journal : %s)\n' "$1" "$p passed, $f failed" "$2"; grep -E 'ÉCHEC|ERROR|runtime error' "$2" | head -n 15 | sed 's/^/        /'; fi
}
# Each test is bounded: one that hangs (a deadlock) is stopped and counted failed, the suite goes on.
TEST_TIMEOUT=${TEST_TIMEOUT:-1500}
run() { # name cmd...
  local name=$1; shift
  local log="$LOGDIR/$(echo "$name" | tr ' /:' '___').log" rc
  timeout -k 10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1; rc=$?
  [ "$rc" -eq 124 ] && echo "ÉCHEC arrêté après $TEST_TIMEOUT s (bloqué ?)" >> "$log"
  tally "$name" "$log" $rc
}

PG_URL=$(bash scripts/pg.sh start) || { echo "PostgreSQL n'a pas démarré"; echo "0 passed, 1 failed"; exit 1; }
# The journal's key and seals for the PostgreSQL runs (a SQLite database
# keeps them beside its file): one key for all the test databases.
PG_KEYS="OPENCCAS_JOURNAL_KEY=$PWD/$LOGDIR/pg.journal-key OPENCCAS_JOURNAL_SEALS=$PWD/$LOGDIR/pg.journal-seals"
trap 'bash scripts/pg.sh stop' EXIT

echo "== description OpenAPI (linter Redocly, règles recommandées)"
run "openapi-lint" node tools/openapi-lint.mjs assets/openapi.json

echo "== balisage passé en argument à html_printf (qui l’échappe)"
run "markup-args-lint" python3 tools/markup-args-lint.py $(find src -name '*.c' | sort)

echo "== tests unitaires (ASan+UBSan)"
for t in build/asan/test_*; do
  run "$(basename "$t") sqlite" "$t"
  # Tests that open a database run on both engines; the pure ones once.
  case "$(basename "$t")" in test_core|test_domiciliation|test_aid_rules) ;; *) run "$(basename "$t") postgresql" env $PG_KEYS OPENCCAS_TEST_PG="$PG_URL" "$t" ;; esac
done

echo "== tests HTTP (binaire réel sur 127.0.0.1)"
# The import's large file: 100,000 rows once (SQLite, plain build), a few
# thousand elsewhere (PostgreSQL writes a row per round trip; ASan is slow).
for t in build/asan/http_*; do
  n=$(basename "$t")
  run "$n sqlite" env OPENCCAS_IMPORT_ROWS=100000 OPENCCAS_BIN=build/openccas "$t"
  run "$n postgresql" env $PG_KEYS OPENCCAS_IMPORT_ROWS=5000 OPENCCAS_BIN=build/openccas OPENCCAS_TEST_PG="$PG_URL" "$t"
  run "$n sqlite asan" env OPENCCAS_IMPORT_ROWS=5000 OPENCCAS_BIN=build/asan/openccas "$t"
  run "$n postgresql asan" env $PG_KEYS OPENCCAS_IMPORT_ROWS=2000 OPENCCAS_BIN=build/asan/openccas OPENCCAS_TEST_PG="$PG_URL" "$t"
done

echo "== charge bornée (SQLite, 3 × ${LOAD_SECONDS:-8} s)"
run "load" bash scripts/load.sh

echo "== rapports des sanitizers côté serveur"
bad=$(grep -l -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error' "$LOGDIR"/openccas-*.log 2>/dev/null)
if [ -n "$bad" ]; then echo "  ÉCHEC rapports dans : $bad"; FAILED=$((FAILED + 1)); else echo "  ok    aucun rapport"; PASSED=$((PASSED + 1)); fi

echo "== fuzzing (${FUZZ_SECONDS} s par cible)"
bash scripts/fuzz.sh "$FUZZ_SECONDS" > "$LOGDIR/fuzz.log" 2>&1
tally "fuzz" "$LOGDIR/fuzz.log" $?

echo "== navigateur (Chromium headless, axe-core)"
run "browser" bash scripts/browser.sh

echo "== durée : $(( $(date +%s) - start )) s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
