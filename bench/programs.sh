#!/usr/bin/env bash
# Wall time of the real programs of tests/programs (CPython, QuickJS, Yosys
# from the npm registry) under Wharf and under Node, with the same inputs as
# the test: whole-process time, hyperfine (median of N runs after a warmup).
# Each command's output is checked once against the test's expectations
# before it is timed; a wrong or failing command is reported, not timed.
#
# Usage: bench/programs.sh [--runs N] [PROGRAM...]   (default 5 runs; python quickjs yosys)
# Env: WHARF           wharf binary (default <repo>/build/wharf)
#      QUICKJS_HOST    quickjs_host binary (default <repo>/build/tests/programs/quickjs_host)
#      PROGRAMS_CACHE  where tests/programs/install.sh puts the packages (default <repo>/build/programs)
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
tests=$root/tests/programs
runs=5
if [[ ${1:-} == --runs ]]; then
  runs=${2:?--runs needs a number}
  shift 2
fi
programs=("$@")
[[ ${#programs[@]} -gt 0 ]] || programs=(python quickjs yosys)
wharf=$(realpath "${WHARF:-$root/build/wharf}")
qjs_host=$(realpath "${QUICKJS_HOST:-$root/build/tests/programs/quickjs_host}")
cache=${PROGRAMS_CACHE:-$root/build/programs}
for f in "$wharf" "$qjs_host"; do
  [[ -x $f ]] || {
    echo "error: no $f (build it: ninja -C build wharf quickjs_host)" >&2
    exit 1
  }
done
command -v hyperfine >/dev/null || {
  echo "error: needs hyperfine (scripts/setup.sh --deps)" >&2
  exit 1
}
"$tests/install.sh" "$cache" || exit 1
# shellcheck source=/dev/null
source "$cache/programs.env"

out=$here/out/programs
rm -rf "$out/work"
mkdir -p "$out/work"
w=$out/work
node="node --no-warnings $tests/node_wasi.mjs"

# Commands per program and engine. Python's script creates its database, so
# every run starts from an empty /data (hyperfine --prepare). QuickJS runs
# without the test's throwing script, so it exits 0.
declare -A cmd prepare expect_rc check
prepare[python]="rm -rf $w/data && mkdir -p $w/data"
cmd[python,wharf]="$wharf run --dir $w/data::/data --dir-ro $tests::/src $PYTHON_WASM /src/python_test.py"
cmd[python,node]="$node --dir $w/data::/data --dir-ro $tests::/src $PYTHON_WASM /src/python_test.py"
expect_rc[python]=14
check[python]=$tests/python_test.expected
prepare[quickjs]="true"
cmd[quickjs,wharf]="$qjs_host $QUICKJS_WASM $tests/quickjs_test.js"
cmd[quickjs,node]="node $tests/quickjs_node.mjs $QUICKJS_PKG $tests/quickjs_test.js"
expect_rc[quickjs]=0
head -n -3 "$tests/quickjs_test.expected" >"$w/quickjs.expected"
echo "=> done: 3 shapes, 2262 primes" >>"$w/quickjs.expected"
check[quickjs]=$w/quickjs.expected
prepare[yosys]="rm -rf $w/yosys && mkdir -p $w/yosys/tmp && cp $tests/design.v $w/yosys/"
ys='read_verilog /work/design.v; synth -top top; check -assert; tee -q -o /work/stat.txt stat; write_verilog -noattr /work/out.v; write_json /work/out.json'
yosys_args="--dir-ro $YOSYS_SHARE::/share --dir $w/yosys::/work --dir $w/yosys/tmp::/tmp $YOSYS_WASM -q -p"
expect_rc[yosys]=0
check[yosys]=""

# run_once PROGRAM ENGINE: true if the command exits as expected and prints
# what the test expects (Yosys: writes the expected statistics).
run_once() {
  local p=$1 e=$2 rc
  bash -c "${prepare[$p]}"
  if [[ $p == yosys ]]; then
    if [[ $e == wharf ]]; then
      "$wharf" run $yosys_args "$ys" >"$w/out" 2>&1
    else
      $node $yosys_args "$ys" >"$w/out" 2>&1
    fi
    rc=$?
    [[ $rc == 0 ]] && cmp -s "$w/yosys/stat.txt" "$tests/yosys_stat.expected" && return 0
    echo "exit $rc or wrong statistics"
    return 1
  fi
  ${cmd[$p,$e]} >"$w/out" 2>&1
  rc=$?
  [[ $rc == "${expect_rc[$p]}" ]] && cmp -s "$w/out" "${check[$p]}" && return 0
  echo "exit $rc (expected ${expect_rc[$p]}) or wrong output"
  return 1
}

# hyperfine needs one string per command; Yosys's -p script has spaces, so
# it goes in a small wrapper script.
for e in wharf node; do
  if [[ $e == wharf ]]; then runner="$wharf run"; else runner=$node; fi
  printf '#!/bin/sh\nexec %s %s "%s"\n' "$runner" "$yosys_args" "$ys" >"$w/yosys-$e.sh"
  chmod +x "$w/yosys-$e.sh"
  cmd[yosys,$e]="$w/yosys-$e.sh"
done

# hyperfine -N runs --prepare without a shell: one script per program.
for p in python quickjs yosys; do
  printf '#!/bin/sh\nset -e\n%s\n' "${prepare[$p]}" >"$w/prepare-$p.sh"
  chmod +x "$w/prepare-$p.sh"
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each after 1 warmup"
rows=()
for p in "${programs[@]}"; do
  [[ -n ${prepare[$p]:-} ]] || {
    echo "unknown program $p (python, quickjs, yosys)" >&2
    exit 2
  }
  med=()
  for e in wharf node; do
    if ! why=$(run_once "$p" "$e"); then
      med+=("FAILED ($why) | -")
      continue
    fi
    hyperfine -N -i --warmup 1 --runs "$runs" --prepare "$w/prepare-$p.sh" --export-json "$out/$p-$e.json" \
      "${cmd[$p,$e]}" >/dev/null 2>"$w/hyperfine.err" || {
      med+=("FAILED (hyperfine: $(head -n 1 "$w/hyperfine.err")) | -")
      continue
    }
    med+=("$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])).results[0];
      console.log(r.median.toFixed(2) + " (" + r.min.toFixed(2) + "–" + r.max.toFixed(2) + ") | " +
                  (r.user + r.system).toFixed(2))' "$out/$p-$e.json")")
  done
  ratio=$(awk -v a="${med[0]%% *}" -v b="${med[1]%% *}" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }')
  rows+=("| $p | ${med[0]} | ${med[1]} | $ratio |")
done
# CPU is hyperfine's mean user+system time: less disturbed by other jobs on
# a shared machine than wall time (Node's includes its compiler threads).
echo "| program | wharf median s (min–max) | wharf CPU s | node median s (min–max) | node CPU s | wharf / node (median) |"
echo "| --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
