#!/usr/bin/env bash
# Load time of adversarial module shapes (bench/gen_load_shapes.py) at
# growing sizes: every load pass should take time proportional to the
# module's size, so ms/MB should stay flat from the smallest size to the
# largest.
#
#   bench/load.sh [--runs N] [--sizes "1 2 4 8 16"] [SHAPE...]
#   WHARF=build-other/wharf bench/load.sh     # another binary (default build/wharf)
#   BENCH_TIMEOUT=60 bench/load.sh            # seconds per load before giving up
#
# A load is `wharf run --invoke <no such export> FILE`: read, decode,
# validate, compile and instantiate, then fail to find the export. Each cell
# is the median wall time of --runs runs (default 3). A shape the compiler
# rejects (too much code per byte) is timed up to its error, "(rejected)".
set -euo pipefail
cd "$(dirname "$0")/.."
wharf=${WHARF:-build/wharf}
limit=${BENCH_TIMEOUT:-60}
runs=3
sizes="1 2 4 8 16"
shapes=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    *) shapes+=("$1"); shift ;;
  esac
done
[ ${#shapes[@]} -gt 0 ] || mapfile -t shapes < <(python3 bench/gen_load_shapes.py --list)
out=bench/out/load
mkdir -p "$out"

# Prints the median load time in ms, or ">LIMITs" if a run took too long.
measure() {
  local file=$1 times=() t0 t1 status
  for ((r = 0; r < runs; r++)); do
    t0=$EPOCHREALTIME
    status=0
    timeout "$limit" "$wharf" run --invoke __wharf_load_only__ "$file" >/dev/null 2>"$out/stderr" || status=$?
    t1=$EPOCHREALTIME
    if [ "$status" = 124 ]; then
      echo ">${limit}s"
      return
    fi
    # The expected failures: the export does not exist, or the compiler
    # refused the module (a bound on code per byte; marked "rejected").
    if grep -q 'function compiles to too much code' "$out/stderr"; then
      rejected=1
    elif ! grep -q 'no function exported as "__wharf_load_only__"' "$out/stderr"; then
      echo "FAILED: $(head -c 200 "$out/stderr")" >&2
      echo "FAILED"
      return
    fi
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) * 1000}')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.0f\n", a[int((NR+1)/2)]}'
}

header="| shape |"
rule="| --- |"
for s in $sizes; do
  header+=" $s MB |"
  rule+=" ---: |"
done
first=${sizes%% *}
last=${sizes##* }
header+=" ms/MB at $first MB | ms/MB at $last MB |"
rule+=" ---: | ---: |"
echo "$header"
echo "$rule"
for shape in "${shapes[@]}"; do
  rejected=0
  row="| $shape |"
  firstRate="" lastRate=""
  for s in $sizes; do
    file=$out/$shape-$s.wasm
    [ -f "$file" ] || python3 bench/gen_load_shapes.py "$shape" "$s" "$file"
    bytes=$(stat -c %s "$file")
    measure "$file" >"$out/ms"
    ms=$(cat "$out/ms")
    row+=" $ms |"
    rate="-"
    [[ $ms =~ ^[0-9]+$ ]] && rate=$(awk -v t="$ms" -v n="$bytes" 'BEGIN {printf "%.1f", t / (n / 1048576)}')
    [ "$s" = "$first" ] && firstRate=$rate
    [ "$s" = "$last" ] && lastRate=$rate
  done
  [ "$rejected" = 1 ] && row="| $shape (rejected) |${row#"| $shape |"}"
  echo "$row $firstRate | $lastRate |"
done
