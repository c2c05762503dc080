#!/usr/bin/env bash
# Real programs written by others, from the npm registry, run under Wharf and
# under Node (the reference) with the same inputs; their outputs must match
# each other and the expectations committed here.
#
#   tests/programs/run.sh WHARF QUICKJS_HOST CACHE_DIR
#
#   python   CPython 3.12 (`wharf run`): python_test.py uses files in a
#            preopened directory, sqlite3 and json, and exits with 14.
#   quickjs  QuickJS-ng, a WASI reactor driven by quickjs_host (a Wharf
#            embedding) and by the package's own JS API under Node.
#   yosys    Yosys (`wharf run`) synthesizes design.v; the netlists it writes
#            (JSON, Verilog) and its statistics must equal Node's.
#
# Packages missing from CACHE_DIR are installed first (install.sh, npm).
# PROGRAMS="python quickjs" runs a subset. Prints PASS/FAIL per program (with
# the reason and a diff), wall times, and "N passed, N failed"; exits 1 on
# any failure.
set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -ne 3 ]]; then
  echo "usage: $0 WHARF QUICKJS_HOST CACHE_DIR" >&2
  exit 2
fi
wharf=$(realpath "$1")
qjs_host=$(realpath "$2")
cache=$3
programs=${PROGRAMS:-python quickjs yosys}
limit=${PROGRAM_TIMEOUT:-600}

command -v node >/dev/null || {
  echo "FAIL: node is needed for the reference runs (scripts/setup.sh --deps installs it)"
  echo "0 passed, 1 failed"
  exit 1
}
if ! "$here/install.sh" "$cache"; then
  echo "FAIL: could not install the programs into $cache; run: tests/programs/install.sh $cache"
  echo "  (it needs the npm registry once; later runs use the cache)"
  echo "0 passed, 1 failed"
  exit 1
fi
# shellcheck source=/dev/null
source "$cache/programs.env"

work=$(mktemp -d "${TMPDIR:-/tmp}/wharf-programs.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() {
  echo "PASS $1 ($2)"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL $1: $2"
  [[ -n ${3:-} && -f $3 ]] && sed 's/^/    /' "$3" | head -n 40
  failed=$((failed + 1))
}

# timed OUT RC_FILE CMD...: runs CMD with stdout to OUT and stderr to OUT.err,
# writes its exit status to RC_FILE and prints its wall time in seconds.
timed() {
  local out=$1 rcfile=$2 start end
  shift 2
  start=$EPOCHREALTIME
  timeout "$limit" "$@" >"$out" 2>"$out.err"
  echo $? >"$rcfile"
  end=$EPOCHREALTIME
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

# status RC: how a run ended, for messages.
status() {
  if [[ $1 == 124 ]]; then echo "timed out after ${limit}s"; else echo "exit status $1"; fi
}

# same NAME FILE_A FILE_B DIFF_OUT: true if equal, else records a unified diff.
same() {
  diff -u --label "$1 (wharf)" --label "$1 (node)" "$2" "$3" >"$4" 2>&1
}

run_python() {
  local w=$work/python
  mkdir -p "$w/data-wharf" "$w/data-node"
  local tw tn rw rn
  tw=$(timed "$w/wharf.out" "$w/wharf.rc" "$wharf" run --dir "$w/data-wharf::/data" --dir-ro "$here::/src" \
    "$PYTHON_WASM" /src/python_test.py)
  tn=$(timed "$w/node.out" "$w/node.rc" node --no-warnings "$here/node_wasi.mjs" --dir "$w/data-node::/data" \
    --dir-ro "$here::/src" "$PYTHON_WASM" /src/python_test.py)
  rw=$(cat "$w/wharf.rc") rn=$(cat "$w/node.rc")
  if [[ $rw != 14 ]]; then
    fail python "$(status "$rw") under wharf, expected 14 (python_test.py's sys.exit)" "$w/wharf.out.err"
  elif [[ $rn != 14 ]]; then
    fail python "$(status "$rn") under node (the reference), expected 14" "$w/node.out.err"
  elif ! diff -u "$here/python_test.expected" "$w/wharf.out" >"$w/diff"; then
    fail python "stdout under wharf differs from python_test.expected" "$w/diff"
  elif ! same python "$w/wharf.out" "$w/node.out" "$w/diff"; then
    fail python "stdout differs between wharf and node" "$w/diff"
  elif ! (cd "$w/data-wharf" && find . -type f -o -type d | sort) >"$w/tree-wharf" ||
    ! (cd "$w/data-node" && find . -type f -o -type d | sort) >"$w/tree-node" ||
    ! same "python files" "$w/tree-wharf" "$w/tree-node" "$w/diff"; then
    fail python "the files left in /data differ between wharf and node" "$w/diff"
  elif ! cmp -s "$w/data-wharf/doc.json" "$w/data-node/doc.json" ||
    ! cmp -s "$w/data-wharf/sub/notes.txt" "$w/data-node/sub/notes.txt"; then
    fail python "doc.json or sub/notes.txt differ between wharf and node"
  else
    pass python "exit 14; wharf ${tw}s, node ${tn}s"
  fi
}

run_quickjs() {
  local w=$work/quickjs
  mkdir -p "$w"
  # The last script throws: the host must report it and exit 1.
  local scripts=("$here/quickjs_test.js" -e 'answer + 1' -e 'throw new RangeError(`boom ${answer}`)')
  local tw tn rw rn
  tw=$(timed "$w/wharf.out" "$w/wharf.rc" "$qjs_host" "$QUICKJS_WASM" "${scripts[@]}")
  tn=$(timed "$w/node.out" "$w/node.rc" node "$here/quickjs_node.mjs" "$QUICKJS_PKG" "${scripts[@]}")
  rw=$(cat "$w/wharf.rc") rn=$(cat "$w/node.rc")
  if [[ $rw != 1 ]]; then
    fail quickjs "quickjs_host: $(status "$rw"), expected 1 (the last script throws)" "$w/wharf.out.err"
  elif [[ $rn != 1 ]]; then
    fail quickjs "node (the reference): $(status "$rn"), expected 1" "$w/node.out.err"
  elif ! diff -u "$here/quickjs_test.expected" "$w/wharf.out" >"$w/diff"; then
    fail quickjs "output under wharf differs from quickjs_test.expected" "$w/diff"
  elif ! same quickjs "$w/wharf.out" "$w/node.out" "$w/diff"; then
    fail quickjs "output differs between wharf and node" "$w/diff"
  else
    pass quickjs "wharf ${tw}s, node ${tn}s"
  fi
}

# Yosys reads its techmap and cell libraries from /share and ABC works in
# /tmp. -q keeps the log off stdout: around the in-process ABC run Yosys
# renumbers onto stdout and stderr after moving them away, which a preview1
# runtime refuses (EBADF, docs/wasi.md), so stdout is closed from then on;
# the files it writes do not depend on that.
yosys_script='read_verilog /work/design.v; synth -top top; check -assert;
tee -q -o /work/stat.txt stat; write_verilog -noattr /work/out.v; write_json /work/out.json'

run_yosys() {
  local w=$work/yosys e
  for e in wharf node; do
    mkdir -p "$w/$e/tmp"
    cp "$here/design.v" "$w/$e/"
  done
  local tw tn rw rn
  tw=$(timed "$w/wharf.out" "$w/wharf.rc" "$wharf" run --dir-ro "$YOSYS_SHARE::/share" --dir "$w/wharf::/work" \
    --dir "$w/wharf/tmp::/tmp" "$YOSYS_WASM" -q -p "$yosys_script")
  tn=$(timed "$w/node.out" "$w/node.rc" node --no-warnings "$here/node_wasi.mjs" --dir-ro "$YOSYS_SHARE::/share" \
    --dir "$w/node::/work" --dir "$w/node/tmp::/tmp" "$YOSYS_WASM" -q -p "$yosys_script")
  rw=$(cat "$w/wharf.rc") rn=$(cat "$w/node.rc")
  local f bad=""
  if [[ $rw != 0 ]]; then
    fail yosys "$(status "$rw") under wharf" "$w/wharf.out.err"
    return
  elif [[ $rn != 0 ]]; then
    fail yosys "$(status "$rn") under node (the reference)" "$w/node.out.err"
    return
  fi
  for f in stat.txt out.v out.json; do
    if [[ ! -s $w/wharf/$f ]]; then
      fail yosys "wrote no $f under wharf" "$w/wharf.out.err"
      return
    fi
    same "yosys $f" "$w/wharf/$f" "$w/node/$f" "$w/diff" || bad="$bad $f"
  done
  if [[ -n $bad ]]; then
    fail yosys "output differs between wharf and node:$bad" "$w/diff"
  elif ! diff -u "$here/yosys_stat.expected" "$w/wharf/stat.txt" >"$w/diff"; then
    fail yosys "statistics differ from yosys_stat.expected" "$w/diff"
  elif ! same "yosys stdout" "$w/wharf.out" "$w/node.out" "$w/diff"; then
    fail yosys "stdout differs between wharf and node" "$w/diff"
  else
    pass yosys "$(grep 'Number of cells' "$w/wharf/stat.txt" | tail -n 1 | awk '{print $NF}') cells; wharf ${tw}s, node ${tn}s"
  fi
}

for p in $programs; do
  case $p in
    python | quickjs | yosys) "run_$p" ;;
    *)
      fail "$p" "unknown program (python, quickjs, yosys)"
      ;;
  esac
done
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
