#!/bin/sh
# Loading stays proportional to the module's size, and --timeout covers it.
# Usage: tests/cli/load_limits.sh WHARF_BINARY [SLOWDOWN]
# SLOWDOWN (default 1) multiplies the bounds for a slower build (sanitizers).
#
# The modules are generated here (bench/gen_load_shapes.py), not committed.
# Each shape took from 4 s to minutes to load when some load pass was
# quadratic in it, and takes a few dozen milliseconds now: the wall-clock
# bounds below (`timeout`) are generous for the second and far too short
# for the first.
set -u
WHARF=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SLOW=${2:-1}
GEN=$(cd "$(dirname "$0")/../../bench" && pwd)/gen_load_shapes.py
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
passed=0
failed=0

fail() {
  failed=$((failed + 1))
  printf 'FAIL %s\n' "$*"
}

# loads SHAPE MEGABYTES: generates the shape and runs it under --timeout 5s
# (5 s times SLOWDOWN).
loads() {
  shape=$1 mb=$2
  python3 "$GEN" "$shape" "$mb" "$TMP/$shape.wasm" || { fail "$shape: generator failed"; return; }
  timeout $((8 * SLOW)) "$WHARF" run --timeout $((5 * SLOW))s --invoke run "$TMP/$shape.wasm" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [ "$rc" = 0 ] && [ ! -s "$TMP/err" ]; then
    passed=$((passed + 1))
  else
    fail "$shape ($mb MB): status $rc (want 0), stderr: $(head -c 300 "$TMP/err")"
  fi
  rm -f "$TMP/$shape.wasm"
}

# The shape of the report: N values on the stack, then M local.sets.
loads stack_then_sets 1.7
loads stack_then_tees 1.7
loads stack_then_blocks 1.7
loads stack_then_calls 2
loads deep_nesting 1.7
loads many_types 1
loads many_locals 1
loads v128_consts 2
loads names 2
loads br_table_wide 4

# expect NAME STATUS STDERR SECONDS -- ARGS...: wharf ARGS ends within SECONDS
# with STATUS and exactly STDERR.
expect() {
  name=$1 want_rc=$2 want_err=$3 limit=$4
  shift 5
  timeout $((limit * SLOW)) "$WHARF" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  rc=$?
  err=$(cat "$TMP/err")
  if [ "$rc" = "$want_rc" ] && [ "$err" = "$want_err" ]; then
    passed=$((passed + 1))
  else
    fail "$name: status $rc (want $want_rc)
  stderr: $err
  want:   $want_err"
  fi
}

# Ifs passing 1000 values each, one after the other: every if would copy
# them all (code a thousand times the module's size); the compiler stops
# at a bound of code per byte instead of taking gigabytes.
python3 "$GEN" if_params 0.3 "$TMP/ifs.wasm"
timeout $((8 * SLOW)) "$WHARF" run --invoke run "$TMP/ifs.wasm" >"$TMP/out" 2>"$TMP/err"
rc=$?
case "$rc $(cat "$TMP/err")" in
  "1 wharf: error: interpreter: function compiles to too much code (more than 16 words per byte) (at byte"*)
    passed=$((passed + 1)) ;;
  *) fail "if_params: status $rc (want 1), stderr: $(head -c 300 "$TMP/err")" ;;
esac

# A load far longer than the timeout stops at it, with its own message.
python3 "$GEN" stack_then_sets 16 "$TMP/big.wasm"
expect timeout-compile 1 "wharf: error: module took too long to compile (--timeout of 0.01s reached)" 5 -- \
  run --timeout 10ms --invoke run "$TMP/big.wasm"
python3 "$GEN" block_params 2 "$TMP/params.wasm"
expect timeout-validate 1 "wharf: error: module took too long to compile (--timeout of 0.2s reached)" 5 -- \
  run --timeout 200ms --invoke run "$TMP/params.wasm"

# A module that never finishes arriving (a pipe kept open): the watchdog
# ends the process shortly after the timeout.
mkfifo "$TMP/fifo"
sleep 30 >"$TMP/fifo" &
writer=$!
expect timeout-read 1 "wharf: error: module took too long to compile (--timeout of 0.3s reached)" 3 -- \
  run --timeout 300ms "$TMP/fifo"
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
