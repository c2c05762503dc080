#!/bin/sh
# Golden tests for the wharf command line: stdout, stderr and exit status.
# Usage: tests/cli/run.sh WHARF_BINARY
# Expected stderr ending in '*' is a prefix match (for wording owned by other
# stages, e.g. the text parser's messages).
set -u
WHARF=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/data" || exit 2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
passed=0
failed=0

# check NAME STATUS STDOUT STDERR -- ARGS...
check() {
  name=$1 want_rc=$2 want_out=$3 want_err=$4
  shift 5
  "$WHARF" "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  out=$(cat "$TMP/out")
  err=$(cat "$TMP/err")
  ok=1
  [ "$rc" = "$want_rc" ] || ok=0
  [ "$out" = "$want_out" ] || ok=0
  case $want_err in
    *'*') case $err in "${want_err%\*}"*) ;; *) ok=0 ;; esac ;;
    *) [ "$err" = "$want_err" ] || ok=0 ;;
  esac
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: wharf %s\n  status %s (want %s)\n  stdout: %s\n  want:   %s\n  stderr: %s\n  want:   %s\n' \
      "$name" "$*" "$rc" "$want_rc" "$out" "$want_out" "$err" "$want_err"
  fi
}

# check_rss NAME STATUS MAX_MB ERE -- ARGS...: the status, stderr matching
# ERE (across lines; "" = empty), and wharf's peak RSS (GNU time) at most
# MAX_MB megabytes (not under sanitizers, whose shadow memory and quarantine
# are RSS too: CLI_TEST_NO_MAXRSS=1).
check_rss() {
  name=$1 want_rc=$2 max_mb=$3 want_err=$4
  shift 5
  [ "${CLI_TEST_NO_MAXRSS:-}" = 1 ] && max_mb=1000000
  /usr/bin/time -f %M -o "$TMP/rss" "$WHARF" "$@" >/dev/null 2>"$TMP/err"
  rc=$?
  kb=$(tail -n 1 "$TMP/rss")
  ok=1
  [ "$rc" = "$want_rc" ] && [ "$kb" -le $((max_mb * 1024)) ] || ok=0
  if [ -z "$want_err" ]; then
    [ -s "$TMP/err" ] && ok=0
  else
    grep -Ezq -- "$want_err" "$TMP/err" || ok=0
  fi
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: wharf %s\n  status %s (want %s), peak RSS %s KB (want <= %s MB)\n  stderr: %s\n  want:   %s\n' \
      "$name" "$*" "$rc" "$want_rc" "$kb" "$max_mb" "$(tail -c 300 "$TMP/err")" "$want_err"
  fi
}

NL='
'
printf '\000asm\002\000\000\000' >"$TMP/version.wasm"
printf '\000asm' >"$TMP/truncated.wasm"

# run: results one per line; ints signed decimal, floats shortest round-trip.
check add 0 "3" "" -- run --invoke add arith.wat 1 2
check add-wraps 0 "-2147483648" "" -- run --invoke add arith.wat 2147483647 1
check add-hex-neg 0 "15" "" -- run --invoke add64 arith.wat -1 0x10
check f32 0 "0.1" "" -- run --invoke f32 arith.wat 0.1
check f32-hex 0 "1.5" "" -- run --invoke f32 arith.wat 0x1.8p0
check f32-negnan 0 "-nan" "" -- run --invoke f32 arith.wat -nan
check f32-payload 0 "nan:0x200000" "" -- run --invoke f32 arith.wat nan:0x200000
check f64-inf 0 "-inf" "" -- run --invoke f64 arith.wat -inf
check f64-tiny 0 "5e-324" "" -- run --invoke f64 arith.wat 0x1p-1074
check multi-value 0 "4${NL}0.5" "" -- run --invoke pair arith.wat 4
check no-results 0 "" "" -- run --invoke none arith.wat
check null-ref 0 "null" "" -- run --invoke null arith.wat
check start-export 0 "7" "" -- run start.wat
check instantiate-only 0 "" "" -- run arith.wat

# run: traps (status 134, with a backtrace) and errors (status 1).
check trap-div 134 "" "wharf: trap: integer divide by zero${NL}  0: div (func 2)" -- run --invoke div arith.wat 1 0
check trap-start 134 "" "wharf: trap: unreachable${NL}  0: s (func 0)" -- run start_trap.wat
check unknown-import 1 "" "wharf: error: unknown import: env.f" -- run imports.wat
check no-export 1 "" 'wharf: error: no function exported as "nope"' -- run --invoke nope arith.wat
check not-a-func 1 "" 'wharf: error: no function exported as "g"' -- run --invoke g arith.wat
check arg-count 1 "" 'wharf: error: function "add" takes 2 argument(s), got 1' -- run --invoke add arith.wat 1
check arg-bad 1 "" 'wharf: error: argument 2 "x" is not a valid i32' -- run --invoke add arith.wat 1 x
check arg-range 1 "" 'wharf: error: argument 1 "4294967296" is out of range for i32' -- \
  run --invoke add arith.wat 4294967296 1
# Without --invoke, arguments are the guest's argv (all of them, options too).
check args-without-start 1 "" \
  "wharf: error: arguments given but the module exports no _start (options go before FILE: wharf run --invoke NAME FILE ARGS...)" \
  -- run arith.wat --invoke add 1 2
check missing-file 1 "" "wharf: error: cannot read nofile.wasm: No such file or directory" -- run nofile.wasm
check run-invalid 1 "" "wharf: error: type mismatch (at byte 0x1a)" -- run invalid.wat
check run-syntax 1 "" "wharf: error: unknown operator*" -- run syntax.wat

# validate: silent on success.
check validate-ok 0 "" "" -- validate arith.wat
check validate-invalid 1 "" "wharf: error: type mismatch (at byte 0x1a)" -- validate invalid.wat
check validate-version 1 "" "wharf: error: unknown binary version (at byte 0x4)" -- validate "$TMP/version.wasm"
check validate-truncated 1 "" "wharf: error: unexpected end (at byte 0x4)" -- validate "$TMP/truncated.wasm"
check validate-syntax 1 "" "wharf: error: unknown operator*" -- validate syntax.wat

# inspect: the first line is stable; the rest belongs to describeModule.
"$WHARF" inspect start.wat >"$TMP/inspect" 2>&1
if [ $? = 0 ] && head -n 1 "$TMP/inspect" | grep -q '^module (' && grep -q '"_start" func' "$TMP/inspect"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL inspect:"; cat "$TMP/inspect"
fi
check inspect-malformed 1 "" "wharf: error: unknown binary version (at byte 0x4)" -- inspect "$TMP/version.wasm"

# wast: per-file lines, a total, status 1 when anything failed.
check wast-pass 0 "pass.wast: 4 passed, 0 failed${NL}4 passed, 0 failed" "" -- wast pass.wast
check wast-fail 1 "pass.wast: 4 passed, 0 failed
fail.wast: 2 passed, 1 failed
fail.wast:3: expected i32:43 / got i32:42
fail.wast: 1 text-format malformed modules rejected with different wording
6 passed, 1 failed" "" -- wast pass.wast fail.wast
check wast-missing 1 "nofile.wast: 0 passed, 1 failed
nofile.wast:0: expected a readable file / got cannot read: No such file or directory
0 passed, 1 failed" "" -- wast nofile.wast

# usage errors: status 2, one line.
check no-command 2 "" "wharf: error: A subcommand is required (see wharf --help)" --
check unknown-command 2 "" 'wharf: error: unknown command "frob" (see wharf --help)' -- frob
check run-no-file 2 "" "wharf: error: FILE is required (see wharf --help)" -- run
check version 0 "wharf 0.1.0" "" -- --version

# --fuel: metered code stops an infinite loop; enough fuel changes nothing.
check fuel-spin 134 "" "wharf: trap: all fuel consumed${NL}  0: spin (func 0)" -- run --fuel 100000 --invoke spin spin.wat
check fuel-enough 0 "0" "" -- run --fuel 1000000 --invoke count spin.wat 1000
check fuel-short 134 "" "wharf: trap: all fuel consumed${NL}  0: count (func 1)" -- run --fuel 1000 --invoke count spin.wat 1000
# --fuel charges bulk operations by length (docs/wasi.md has the rates): a
# GiB memory.fill traps at once; at the boundary the charge is exact.
# Instructions: fill/copy 13 with one iteration, init and the table ops 5,
# random 4, write 6; then 1 unit per 4 bytes of memory or I/O (rounded up),
# per table element, 8 per random byte. (The write's result, 0, follows its
# 40 bytes on stdout.)
fuel_trap() { printf 'wharf: trap: all fuel consumed\n  0: %s (func %s)' "$1" "$2"; }
check fuel-fill-gib 134 "" "$(fuel_trap fill 1)" -- run --fuel 1000 --invoke fill bulk.wat 1073741824 10
check fuel-copy-gib 134 "" "$(fuel_trap copy 2)" -- run --fuel 1000 --invoke copy bulk.wat 536870912 10
check fuel-fill-exact 0 "" "" -- run --fuel 113 --invoke fill bulk.wat 400 1
check fuel-fill-short 134 "" "$(fuel_trap fill 1)" -- run --fuel 112 --invoke fill bulk.wat 400 1
check fuel-copy-exact 0 "" "" -- run --fuel 114 --invoke copy bulk.wat 401 1
check fuel-copy-short 134 "" "$(fuel_trap copy 2)" -- run --fuel 113 --invoke copy bulk.wat 401 1
check fuel-init-exact 0 "" "" -- run --fuel 13 --invoke init bulk.wat 32
check fuel-init-short 134 "" "$(fuel_trap init 3)" -- run --fuel 12 --invoke init bulk.wat 32
check fuel-table-fill-exact 0 "" "" -- run --fuel 21 --invoke table-fill bulk.wat 16
check fuel-table-fill-short 134 "" "$(fuel_trap table-fill 4)" -- run --fuel 20 --invoke table-fill bulk.wat 16
check fuel-table-fill-big 134 "" "$(fuel_trap table-fill 4)" -- run --fuel 1000 --invoke table-fill bulk.wat 70000
check fuel-table-copy-exact 0 "" "" -- run --fuel 21 --invoke table-copy bulk.wat 16
check fuel-table-copy-short 134 "" "$(fuel_trap table-copy 5)" -- run --fuel 20 --invoke table-copy bulk.wat 16
check fuel-table-init-exact 0 "" "" -- run --fuel 21 --invoke table-init bulk.wat 16
check fuel-table-init-short 134 "" "$(fuel_trap table-init 6)" -- run --fuel 20 --invoke table-init bulk.wat 16
# Out of bounds is checked first: the spec's trap, whatever the fuel.
check fuel-fill-oob 134 "" "wharf: trap: out of bounds memory access${NL}  0: fill (func 1)" -- \
  run --fuel 13 --invoke fill bulk.wat 2147483647 1
check fuel-random-exact 0 "0" "" -- run --fuel 804 --invoke random bulk_wasi.wat 100
check fuel-random-short 134 "" "$(fuel_trap random 2)" -- run --fuel 803 --invoke random bulk_wasi.wat 100
check fuel-write-exact 0 "01234567890123456789012345678901234567890" "" -- run --fuel 16 --invoke write bulk_wasi.wat
check fuel-write-short 134 "" "$(fuel_trap write 3)" -- run --fuel 15 --invoke write bulk_wasi.wat
# Limits: each stops a hostile guest with a clear message.
check call-depth 134 "" "wharf: trap: call stack exhausted${NL}  0: rec (func 0)${NL}  1: rec (func 0)*" -- \
  run --max-call-depth 1000 --invoke rec limits.wat
check call-depth-default 134 "" "wharf: trap: call stack exhausted${NL}  0: rec (func 0)*" -- run --invoke rec limits.wat
check max-memory 0 "16" "" -- run --max-memory 1M --invoke bomb limits.wat
check max-memory-units 0 "32" "" -- run --max-memory 2MiB --invoke bomb limits.wat
check max-memory-initial 1 "" "wharf: error: memory allocation failed: 131072 bytes exceed the limit of 65536 bytes (--max-memory)" -- \
  run --max-memory 64K big_memory.wat
check max-memory-abort 134 "" "wharf: trap: unreachable${NL}  0: _start (func 0)${NL}wharf: note: the guest was refused memory 1 time(s) by --max-memory (1048576 bytes)" -- \
  run --max-memory 1M oom_abort.wat
# What --max-memory counts: table capacity (a growing table never holds more
# than the limit, its reallocation copy included) and the interpreter stacks
# beyond their free first chunks; the RSS stays within the limit plus the
# fixed overhead (docs/wasi.md: about 12 MB here).
check_rss table-grow-rss 0 77 "" -- run --max-memory 65M table_grow.wat
check_rss stack-rss 134 28 "call stack exhausted.*refused memory [0-9]+ time\(s\) by --max-memory" -- \
  run --max-memory 16M deep_frames.wat
check max-memory-table 1 "" "wharf: error: table allocation failed: 33554432 bytes exceed the limit of 1048576 bytes (--max-memory)" -- \
  run --max-memory 1M many_tables.wat
# Without a limit, a store's tables are still bounded together.
check tables-store-bound 1 "" "wharf: error: table allocation failed: the store's tables would exceed 134217728 bytes" -- \
  run many_tables.wat
# 0 is a real zero: a module that needs no memory runs, others do not start.
check max-memory-zero 0 "0" "" -- run --max-memory 0 --invoke bomb limits.wat
check max-memory-zero-initial 1 "" "wharf: error: memory allocation failed: 131072 bytes exceed the limit of 0 bytes (--max-memory)" -- \
  run --max-memory 0 big_memory.wat
check max-memory-bad 2 "" "wharf: error: --max-memory: \"12X\" is not a size (e.g. 64M, 1G, 65536) (see wharf --help)" -- \
  run --max-memory 12X limits.wat
check timeout 134 "" "wharf: trap: interrupted: time limit exceeded (--timeout of 0.2s reached)${NL}  0: spin (func 0)" -- \
  run --timeout 200ms --invoke spin spin.wat
check timeout-bad 2 "" "wharf: error: --timeout: \"soon\" is not a duration (e.g. 500ms, 2s, 1m) (see wharf --help)" -- \
  run --timeout soon spin.wat
check fuel-negative 2 "" "wharf: error: --fuel: must be a non-negative integer (see wharf --help)" -- run --fuel -1 spin.wat

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
