#!/usr/bin/env bash
# Runs every benchmark kernel natively, on Wharf's interpreter and on Node's V8,
# checks that all three checksums agree, and prints each ratio to native plus
# their geometric means.
#
# Usage: bench/run.sh [--quick] [--runs N] [--no-build] [KERNEL...]
#   --quick     build with -DQUICK (~10x less work): a smoke test, not a measurement
#   --runs N    timed runs per kernel and engine (default 3); the median is reported
#   --no-build  reuse bench/out as built
# Env: WHARF  wharf binary (default <repo>/build/wharf), run as
#             `$WHARF run --invoke run KERNEL.wasm`
#      NODE   node binary (default node)
#      NODE_FLAGS  extra node/V8 flags, e.g. --no-liftoff (default: none, i.e.
#             Node's default tiering: Liftoff first, TurboFan for hot functions
#             on their next call; run() is called once, so loops inlined into
#             it may stay in Liftoff)
#      BENCH_TIMEOUT  seconds before one run counts as failed (default 600)
#
# Timing: whole-process wall-clock time of each command, measured the same way
# for all three engines (bash's $EPOCHREALTIME around the process), so Wharf
# and Node include their startup and compilation and native includes process
# start. The checksum printed by every timed run is checked. A kernel whose
# engine is missing, exits non-zero, times out or prints a wrong checksum is
# reported as FAILED with the reason; no number is invented for it.
# Results also go to bench/out[/quick]/results.tsv. Exit status is 1 if
# anything failed.
set -uo pipefail
export LC_ALL=C  # '.' as the decimal point in $EPOCHREALTIME and awk

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
quick=0
runs=3
build=1
kernels=()
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --runs)
      runs=${2:?--runs needs a number}
      shift
      ;;
    --no-build) build=0 ;;
    -h | --help)
      sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "unknown option $1 (see --help)" >&2
      exit 2
      ;;
    *) kernels+=("$1") ;;
  esac
  shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || {
  echo "--runs must be a positive integer" >&2
  exit 2
}

wharf=${WHARF:-$root/build/wharf}
node=${NODE:-node}
read -r -a node_flags <<<"${NODE_FLAGS:-}"
limit=${BENCH_TIMEOUT:-600}
out=$here/out
((quick)) && out=$here/out/quick

if ((build)); then
  if ((quick)); then "$here/build.sh" --quick; else "$here/build.sh"; fi >/dev/null || {
    echo "build failed" >&2
    exit 1
  }
fi
if ((${#kernels[@]} == 0)); then
  for src in "$here"/kernels/*.c; do kernels+=("$(basename "$src" .c)"); done
fi

# Last standalone integer in the output (so "i64" or "run:" do not count),
# wrapped to signed 64 bits in case an engine prints the value unsigned.
extract_checksum() {
  local v
  v=$(tr -s ' \t\r:=,;()[]{}' '\n' <<<"$1" | grep -E '^-?[0-9]+$' | tail -n 1)
  [[ -n $v ]] || return 1
  if [[ $v == -* ]]; then
    echo $((-10#${v#-}))
  else
    echo $((10#$v))
  fi
}

# measure CMD... : runs CMD $runs times. On success sets m_time (median wall
# seconds) and m_sum (checksum); on failure sets m_err and returns 1.
measure() {
  local times=() sum="" i t0 t1 output rc s errfile
  m_time="" m_sum="" m_err=""
  errfile=$(mktemp)
  for ((i = 0; i < runs; i++)); do
    t0=$EPOCHREALTIME
    output=$(timeout "$limit" "$@" 2>"$errfile")
    rc=$?
    t1=$EPOCHREALTIME
    if ((rc != 0)); then
      if ((rc == 124)); then m_err="timed out after ${limit}s"; else m_err="exit status $rc"; fi
      local first
      first=$(head -c 200 "$errfile" | head -n 1)
      [[ -n $first ]] && m_err+=": $first"
      rm -f "$errfile"
      return 1
    fi
    if ! s=$(extract_checksum "$output"); then
      m_err="no integer result in output"
      rm -f "$errfile"
      return 1
    fi
    if [[ -n $sum && $s != "$sum" ]]; then
      m_err="checksum differs between runs ($sum vs $s)"
      rm -f "$errfile"
      return 1
    fi
    sum=$s
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
  done
  rm -f "$errfile"
  m_time=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  m_sum=$sum
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

have_wharf=1
if [[ ! -x $wharf ]]; then
  have_wharf=0
  echo "note: no wharf binary at $wharf (set WHARF=...); its column will read FAILED" >&2
fi
have_node=1
command -v "$node" >/dev/null || {
  have_node=0
  echo "note: node not found; its column will read FAILED" >&2
}

tsv=$out/results.tsv
printf 'kernel\tnative_s\twharf_s\twharf_ratio\tnode_s\tnode_ratio\tchecksum\tstatus\n' >"$tsv"
wharf_ratios=() node_ratios=() failed=0
mode="full"
((quick)) && mode="QUICK (smoke test, not a measurement)"
echo "mode: $mode; runs per engine: $runs (median wall time, whole process)"
echo "node flags: ${NODE_FLAGS:-(none)}"
printf '%-10s %9s %9s %8s %9s %8s  %s\n' kernel "native s" "wharf s" "w/nat" "node s" "n/nat" status
for k in "${kernels[@]}"; do
  wasm=$out/$k.wasm
  nat="FAILED" wt="FAILED" wr="-" nt="FAILED" nr="-" notes=()
  if [[ ! -f $wasm || ! -x $out/$k.native ]]; then
    notes+=("not built")
  elif measure "$out/$k.native"; then
    nat=$m_time
    want=$m_sum
    if ((!have_wharf)); then
      notes+=("wharf: missing")
    elif measure "$wharf" run --invoke run "$wasm"; then
      if [[ $m_sum == "$want" ]]; then
        wt=$m_time
        wr=$(ratio "$wt" "$nat")
        wharf_ratios+=("$wr")
      else
        notes+=("wharf: wrong checksum $m_sum")
      fi
    else
      notes+=("wharf: $m_err")
    fi
    if ((!have_node)); then
      notes+=("node: missing")
    elif measure "$node" "${node_flags[@]}" "$here/run_node.mjs" "$wasm"; then
      if [[ $m_sum == "$want" ]]; then
        nt=$m_time
        nr=$(ratio "$nt" "$nat")
        node_ratios+=("$nr")
      else
        notes+=("node: wrong checksum $m_sum")
      fi
    else
      notes+=("node: $m_err")
    fi
  else
    notes+=("native: $m_err")
  fi
  status=ok
  if ((${#notes[@]})); then
    status="FAILED ($(
      IFS=';'
      echo "${notes[*]}"
    ))"
    failed=1
  fi
  printf '%-10s %9s %9s %8s %9s %8s  %s\n' "$k" "$nat" "$wt" "$wr" "$nt" "$nr" "$status"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$nat" "$wt" "$wr" "$nt" "$nr" "${want:-}" "$status" >>"$tsv"
  unset want
done

# Geometric mean over the kernels that produced a verified number; the count
# is printed so a partial mean can never pass for a full one.
geomean() {
  (($#)) || {
    echo "n/a"
    return
  }
  printf '%s\n' "$@" | awk -v total="${#kernels[@]}" '{ s += log($1); if ($1 > m) m = $1 }
    END { printf "%.2f (max %.2f; %d of %d kernels)", exp(s / NR), m, NR, total }'
}
echo
echo "geomean wharf/native: $(geomean "${wharf_ratios[@]}")"
echo "geomean node/native:  $(geomean "${node_ratios[@]}")"
echo "results: $tsv"
exit $failed
