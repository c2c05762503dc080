#!/bin/sh
# Runs every script of the official WebAssembly 2.0 testsuite through
# `wharf wast` (read in place, never copied) and requires all of them.
# Usage: tests/spec/run.sh WHARF_BINARY TESTSUITE_DIR
set -eu
wharf=$1
dir=$2/2.0
count=$(ls "$dir"/*.wast | wc -l)
if [ "$count" -ne 148 ]; then
  echo "expected the 148 scripts of the 2.0 testsuite in $dir, found $count" >&2
  exit 1
fi
"$wharf" wast "$dir"/*.wast >spec-2.0.log 2>&1 && rc=0 || rc=$?
grep -v ' 0 failed$' spec-2.0.log | head -50 || true
tail -1 spec-2.0.log
exit $rc
