#!/usr/bin/env bash
# Decode+validate throughput on a large real-world module: runs
# `$WHARF validate MODULE` under hyperfine and prints MB/s (whole process,
# including reading the file). wabt's wasm-validate and V8's
# WebAssembly.validate are measured the same way as references when present.
#
# The module is yosys compiled to wasm (gen/yosys.core.wasm, 30,830,300 bytes),
# from the npm package @yowasp/yosys at a pinned version. It is fetched with
# `npm pack` into bench/out/npm on first use; nothing from npm is committed.
#
# Usage: bench/decode.sh [--runs N]
# Env: WHARF          wharf binary (default <repo>/build/wharf)
#      DECODE_MODULE  use this .wasm instead of fetching the npm one
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
runs=5
if [[ ${1:-} == --runs ]]; then
  runs=${2:?--runs needs a number}
elif [[ -n ${1:-} ]]; then
  echo "usage: $0 [--runs N]" >&2
  exit 2
fi
wharf=${WHARF:-$root/build/wharf}
pkg=@yowasp/yosys
version=0.55.944
member=package/gen/yosys.core.wasm

module=${DECODE_MODULE:-}
if [[ -z $module ]]; then
  dir=$here/out/npm
  module=$dir/yosys-$version.core.wasm
  if [[ ! -f $module ]]; then
    mkdir -p "$dir"
    echo "fetching $pkg@$version from npm..." >&2
    tgz=$(cd "$dir" && npm pack --silent "$pkg@$version" 2>"$dir/npm.log" | tail -n 1)
    if [[ -z $tgz || ! -f $dir/$tgz ]]; then
      echo "error: npm pack $pkg@$version failed:" >&2
      cat "$dir/npm.log" >&2
      exit 1
    fi
    tar -xzf "$dir/$tgz" -C "$dir" "$member" && mv "$dir/$member" "$module" && rm -rf "$dir/package"
  fi
fi
[[ -f $module ]] || {
  echo "error: no module at $module" >&2
  exit 1
}
bytes=$(stat -c %s "$module")
echo "module: $module ($bytes bytes)"

# time_cmd NAME CMD... : prints "NAME  mean s  MB/s", or FAILED if CMD fails.
time_cmd() {
  local name=$1
  shift
  if ! "$@" >/dev/null 2>"$here/out/decode.err"; then
    printf '%-16s FAILED (%s)\n' "$name" "$(head -n 1 "$here/out/decode.err")"
    return 1
  fi
  local mean
  if command -v hyperfine >/dev/null; then
    local json=$here/out/decode-$name.json cmd
    cmd=$(printf '%q ' "$@")
    hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$json" "$cmd" >/dev/null || return 1
    mean=$(node -p "JSON.parse(require('fs').readFileSync(process.argv[1])).results[0].mean" "$json")
  else
    # Same whole-process wall time without hyperfine: mean of $runs runs.
    local i t0 total=0
    for ((i = 0; i < runs; i++)); do
      t0=$EPOCHREALTIME
      "$@" >/dev/null 2>&1
      total=$(awk -v t="$total" -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print t + b - a }')
    done
    mean=$(awk -v t="$total" -v n="$runs" 'BEGIN { print t / n }')
  fi
  awk -v n="$name" -v m="$mean" -v b="$bytes" 'BEGIN { printf "%-16s %8.3f s  %8.1f MB/s\n", n, m, b / 1e6 / m }'
}

mkdir -p "$here/out"
status=0
printf '%-16s %10s  %13s\n' engine "mean" "throughput"
# A validator that accepts a truncated module is not validating anything (e.g.
# a stub CLI); timing it would report a fake throughput.
bad=$here/out/truncated.wasm
head -c 100000 "$module" >"$bad"
if [[ ! -x $wharf ]]; then
  printf '%-16s FAILED (no wharf binary at %s; set WHARF=...)\n' wharf "$wharf"
  status=1
elif "$wharf" validate "$bad" >/dev/null 2>&1; then
  printf '%-16s FAILED (accepted a truncated module, so it is not really validating)\n' wharf
  status=1
else
  time_cmd wharf "$wharf" validate "$module" || status=1
fi
if command -v wasm-validate >/dev/null; then time_cmd wabt wasm-validate "$module"; fi
if command -v node >/dev/null; then time_cmd v8-validate node "$here/validate_node.mjs" "$module"; fi
exit $status
