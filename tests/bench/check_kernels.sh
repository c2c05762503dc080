#!/bin/sh
# Differential test of the interpreter on real compiled code: every benchmark
# kernel (bench/kernels, small -DQUICK sizes) is compiled natively and to
# wasm32 by clang-19, and wharf must print the native checksum.
# Usage: tests/bench/check_kernels.sh WHARF_BINARY
set -eu
wharf=$1
src=$(cd "$(dirname "$0")/../../bench" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
failed=0
for c in "$src"/kernels/*.c; do
  name=$(basename "$c" .c)
  clang-19 -O2 -DQUICK -o "$out/$name.native" "$c" "$src/native_main.c"
  clang-19 --target=wasm32-wasi -O2 -DQUICK -nostartfiles -Wl,--no-entry -Wl,--export=run \
    -o "$out/$name.wasm" "$c"
  want=$("$out/$name.native" | grep -Eo -- '-?[0-9]+' | tail -1)
  got=$("$wharf" run --invoke run "$out/$name.wasm" | grep -Eo -- '-?[0-9]+' | tail -1)
  if [ "$want" = "$got" ]; then
    echo "ok   $name $got"
  else
    echo "FAIL $name: native $want, wharf $got"
    failed=1
  fi
done
exit $failed
