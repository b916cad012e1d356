#!/usr/bin/env bash
# Runs every libFuzzer target for N seconds (default 15) from its seed
# corpus in tests/fuzz/corpus/NAME (new inputs go to build/fuzz/corpus).
# Prints "N passed, N failed" (one per target).
set -u
cd "$(dirname "$0")/.."
secs=${1:-15}
p=0; f=0
make -s fuzz-build || { echo "0 passed, 1 failed"; exit 1; }
for t in build/fuzz/*; do
  [ -x "$t" ] && [ -f "$t" ] || continue
  n=$(basename "$t")
  mkdir -p "build/fuzz/corpus/$n"
  if "$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
       -artifact_prefix="build/fuzz/crash-$n-" "build/fuzz/corpus/$n" "tests/fuzz/corpus/$n" >"build/fuzz/$n.log" 2>&1; then
    echo "ok $n $(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "build/fuzz/$n.log" | tail -n 1)"
    p=$((p + 1))
  else
    echo "ÉCHEC $n : voir build/fuzz/$n.log"; tail -n 30 "build/fuzz/$n.log"; f=$((f + 1))
  fi
done
echo "fuzz: $p passed, $f failed"
[ "$f" -eq 0 ]
