#!/usr/bin/env bash
# Start-up cost: a C hello world, run as `wharf run hello.wasm` and, in the
# same hyperfine session, as a native static executable and under Node's WASI.
# Both builds come from the same source with clang-19 -O2 (wasm32-wasi with
# wasi-libc; native with -static), into bench/out/hello/.
#
# Usage: bench/hello.sh [--runs N]      (default 100 runs, 10 warmup)
# Env: WHARF  wharf binary (default <repo>/build/wharf)
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
runs=100
if [[ ${1:-} == --runs ]]; then
  runs=${2:?--runs needs a number}
elif [[ -n ${1:-} ]]; then
  echo "usage: $0 [--runs N]" >&2
  exit 2
fi
wharf=${WHARF:-$root/build/wharf}
out=$here/out/hello
mkdir -p "$out"
for tool in clang-19 hyperfine node; do
  command -v $tool >/dev/null || {
    echo "error: needs $tool (scripts/setup.sh --deps)" >&2
    exit 1
  }
done
[[ -x $wharf ]] || {
  echo "error: no wharf at $wharf (scripts/build.sh build, or set WHARF)" >&2
  exit 1
}

cat >"$out/hello.c" <<'EOF'
#include <stdio.h>
int main(void) {
  puts("Hello, world!");
  return 0;
}
EOF
clang-19 --target=wasm32-wasi -O2 "$out/hello.c" -o "$out/hello.wasm" || exit 1
clang-19 -O2 -static "$out/hello.c" -o "$out/hello.native" || exit 1

# Every engine must print the greeting before it is timed.
node_cmd="node --no-warnings $root/tests/programs/node_wasi.mjs $out/hello.wasm"
for cmd in "$out/hello.native" "$wharf run $out/hello.wasm" "$node_cmd"; do
  got=$($cmd 2>&1)
  if [[ $got != "Hello, world!" ]]; then
    echo "error: '$cmd' printed '$got'" >&2
    exit 1
  fi
done

echo "wasm: $(stat -c %s "$out/hello.wasm") bytes; native (static): $(stat -c %s "$out/hello.native") bytes"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 10 --runs "$runs" --export-json "$out/hello.json" \
  -n native "$out/hello.native" \
  -n wharf "$wharf run $out/hello.wasm" \
  -n node "$node_cmd" >"$out/hyperfine.txt" || {
  cat "$out/hyperfine.txt"
  exit 1
}

# Median and mean from hyperfine's JSON, in milliseconds, and the ratio of
# each median to native's.
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
const ms = s => (s * 1000).toFixed(2);
const native = r.find(x => x.command === "native").median;
console.log("| program | median ms | mean ms | min ms | median / native |");
console.log("| --- | --- | --- | --- | --- |");
for (const x of r)
  console.log(`| ${x.command} | ${ms(x.median)} | ${ms(x.mean)} ± ${ms(x.stddev)} | ${ms(x.min)} | ${(x.median / native).toFixed(1)} |`);
' "$out/hello.json"
