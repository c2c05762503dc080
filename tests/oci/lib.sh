# The checks the tests/oci scripts share; sourced after TMP is set.
# Each check counts into passed/failed; the script ends with their summary.
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  printf 'FAIL %s\n' "$*"
}

# expect NAME WANT_STATUS STDOUT_ERE -- CMD...: status and stdout (ERE over the whole output).
expect() {
  name=$1 want=$2 re=$3
  shift 4
  "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  out=$(cat "$TMP/out")
  if [ "$rc" = "$want" ] && { [ -z "$re" ] || printf '%s' "$out" | grep -Eqz -- "$re"; }; then
    pass
  else
    fail "$name: $* -> status $rc (want $want)"
    sed 's/^/  stdout: /' "$TMP/out" | head -20
    sed 's/^/  stderr: /' "$TMP/err" | head -20
  fi
}

# error NAME ERE -- CMD...: non-zero status, nothing on stdout, exactly one
# line on stderr, matching ERE.
error() {
  name=$1 re=$2
  shift 3
  "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  lines=$(wc -l <"$TMP/err")
  if [ "$rc" != 0 ] && [ "$lines" = 1 ] && grep -Eq -- "$re" "$TMP/err" && [ ! -s "$TMP/out" ]; then
    pass
  else
    fail "$name: $* -> status $rc, $lines stderr lines"
    sed 's/^/  stdout: /' "$TMP/out" | head -5
    sed 's/^/  stderr: /' "$TMP/err" | head -5
  fi
}
