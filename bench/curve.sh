#!/usr/bin/env bash
# How cost grows with size: the day at the counter at each size given, one
# table (each kind's p50/p99 and the throughput per size), from the last
# run of bench/run.sh at each size (its figures kept in the bench directory).
#   bench/curve.sh ENGINE SIZE...      e.g. bench/curve.sh sqlite 40000 400000 1000000
# Prints the table and appends it to bench/RESULTS.md (or RESULTS.md in the
# bench directory, from a read-only checkout).
set -u
cd "$(dirname "$0")/.."
ENGINE=$1; shift
if [ -n "${BENCH_DIR:-}" ]; then CACHE=$BENCH_DIR
elif [ -w . ]; then CACHE=build/bench
else CACHE=${TMPDIR:-/tmp}/openccas-bench; fi
RESULTS=bench/RESULTS.md
[ -w bench ] && [ -w . ] || RESULTS=$CACHE/RESULTS.md
FILES=""
for n in "$@"; do
  f=$CACHE/curve-$ENGINE-$n.txt
  [ -f "$f" ] || { echo "pas de mesure à $n foyers ($ENGINE) : lancez bench/run.sh $n $ENGINE" >&2; exit 1; }
  FILES="$FILES $n=$f"
done
TABLE=$(for nf in $FILES; do n=${nf%%=*}; f=${nf#*=}; awk -v n="$n" '{ print n, $0 }' "$f"; done | awk '
  $2 == "rss" { rss[$1] = $3; next }
  { n = $1; k = $2; if (!(n in seen)) { seen[n] = 1; sizes[++ns] = n } if (!(k in kseen)) { kseen[k] = 1; kinds[++nk] = k }
    p50[n, k] = $7; p99[n, k] = $8; tot[n] += $6 }
  END {
    printf "| kind |"; for (i = 1; i <= ns; i++) printf " %s households p50 / p99 ms |", sizes[i]; printf "\n|---|"
    for (i = 1; i <= ns; i++) printf "---:|"; printf "\n"
    for (j = 1; j <= nk; j++) { printf "| %s |", kinds[j]; for (i = 1; i <= ns; i++) printf " %.1f / %.1f |", p50[sizes[i], kinds[j]], p99[sizes[i], kinds[j]]; printf "\n" }
    printf "| **requests/s** |"; for (i = 1; i <= ns; i++) printf " **%.0f** |", tot[sizes[i]]; printf "\n"
    printf "| peak memory MB |"; for (i = 1; i <= ns; i++) printf " %s |", rss[sizes[i]]; printf "\n"
  }')
HEAD="### $(date -u +%Y-%m-%d) · growth curve · $ENGINE · $(nproc) cores"
printf '\n%s\n\n%s\n' "$HEAD" "$TABLE"
printf '\n%s\n\n%s\n' "$HEAD" "$TABLE" >> "$RESULTS"
