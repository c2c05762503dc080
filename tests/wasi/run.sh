#!/bin/sh
# Runs the WASI preview1 test programs (tests/wasi/*.c, compiled to
# BUILD_DIR/NAME.wasm by tests/wasi/CMakeLists.txt).
# Usage: tests/wasi/run.sh WHARF BUILD_DIR [NAME...]
#   WHARF = path to the wharf binary, or "node" to run every case under
#   Node's node:wasi instead (for developing tests before Wharf can run them;
#   cases needing options Node lacks are skipped).
#   NAME... limits the run to those programs (default: all).
# Env: WASI_TEST_GROUP=sandbox|limits|other runs only that group (sandbox_*,
#   limits_*, or the rest); used to register separate ctest entries.
#
# Each program's leading // comment lines describe one or more cases:
#   // run: OPTIONS -- ARGS   one case: wharf run OPTIONS NAME.wasm ARGS
#                             (sh quoting; {sandbox} {outside} {ro} {port}
#                             {tmp} are replaced by this case's paths)
#   // exit: N[|M...]         allowed exit statuses (default 0)
#   // stdout: FILE           expected stdout (file in tests/wasi)
#   // stderr: ERE            stderr must match, when the status is non-zero
#   // compare: node          also run under Node; stdout and status must agree
#   // setup: race            run a symlink-swapping loop during the case
#   // client: echo TEXT      connect to {port}, send TEXT, expect "echo: TEXT"
#   // wall: SECONDS          the case must end within this (default 60)
#   // node: skip             never run this case under Node
#   // stdin: FILE|hang        stdin from a copy of FILE (in tests/wasi) in the
#                             case's tree, so changes to it fail the case; or a
#                             pipe that never delivers data nor EOF (default
#                             /dev/null)
#   // stdio: file|pipe       stdio the runner shares with the guest: stdout is
#                             appended to a log that already holds a line, stdin
#                             is the stdin FILE (file) or a pipe holding its
#                             content that never ends (pipe). The runner keeps
#                             both open file descriptions; their flags must be
#                             unchanged and the line intact after the run (the
#                             rest of the log is the case's stdout).
#   // env: NAME=VALUE...     environment for wharf (e.g. WHARF_NO_OPENAT2=1)
#   // maxrss: MB             wharf's peak resident memory must stay below MB
#                             megabytes (GNU time's %M; not checked in
#                             sanitizer builds, WASI_TEST_NO_MAXRSS=1)
# Every case gets a fresh tree (make_tree below): the preopen {sandbox}, a
# read-only {ro}, and {outside} holding a secret. Beyond its own checks, a case
# fails if the secret shows up in its output, anything outside {sandbox}
# changed, wharf died of a signal, or it ran past its wall-clock limit.
set -u
WHARF=$1
BUILD=$(cd "$2" && pwd)
shift 2
SRC=$(cd "$(dirname "$0")" && pwd)
if [ "$WHARF" != node ]; then
  WHARF=$(cd "$(dirname "$WHARF")" && pwd)/$(basename "$WHARF")
fi
NODE_RUN="node --no-warnings $SRC/run_node.mjs"
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/wharf-wasi.XXXXXX")
RACER=
cleanup() {
  [ -n "$RACER" ] && kill "$RACER" 2>/dev/null
  chmod -R u+rwx "$ROOT" 2>/dev/null
  rm -rf "$ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
US=$(printf '\037')
passed=0
failed=0
skipped=0
SECRET="WHARF-SECRET-$$-$(date +%s%N)"

# make_tree DIR: the fixture every case starts from.
make_tree() {
  d=$1
  mkdir -p "$d/sandbox/sub/deeper" "$d/sandbox/empty" "$d/sandbox/racereal" \
    "$d/outside/dir" "$d/ro/dir" "$d/.run"
  printf 'hello, world\n' >"$d/sandbox/hello.txt"
  printf 'a\n' >"$d/sandbox/sub/a.txt"
  printf 'bb\n' >"$d/sandbox/sub/b.txt"
  printf 'ccc\n' >"$d/sandbox/sub/deeper/c.txt"
  printf 'inside\n' >"$d/sandbox/racereal/secret.txt"
  ln -s hello.txt "$d/sandbox/link_hello"
  ln -s sub "$d/sandbox/link_sub"
  ln -s ../hello.txt "$d/sandbox/sub/link_up"
  ln -s nonexistent "$d/sandbox/dangling"
  ln -s loop2 "$d/sandbox/loop1"
  ln -s loop1 "$d/sandbox/loop2"
  # Escapes: absolute and relative links to the outside, a link deeper in the
  # tree, a chain of links, links to / and into /proc.
  ln -s "$d/outside" "$d/sandbox/esc_abs_dir"
  ln -s "$d/outside/secret.txt" "$d/sandbox/esc_abs_file"
  ln -s ../outside "$d/sandbox/esc_rel_dir"
  ln -s ../outside/secret.txt "$d/sandbox/esc_rel_file"
  ln -s ../../outside/secret.txt "$d/sandbox/sub/esc_deep"
  ln -s esc_rel_dir "$d/sandbox/esc_chain"
  ln -s sub/../../outside "$d/sandbox/esc_dotdot_mid"
  ln -s / "$d/sandbox/esc_root"
  ln -s /proc/self/root "$d/sandbox/esc_proc_root"
  ln -s /proc/self/cwd "$d/sandbox/esc_proc_cwd"
  ln -s /proc/self/fd "$d/sandbox/esc_proc_fd"
  ln -s racereal "$d/sandbox/racedir"
  printf '%s\n' "$SECRET" >"$d/outside/secret.txt"
  printf '%s\n' "$SECRET" >"$d/outside/dir/inner.txt"
  printf 'read only\n' >"$d/ro/file.txt"
  printf 'read only too\n' >"$d/ro/dir/inner.txt"
  ln -s file.txt "$d/ro/link"
}

# snapshot DIR: everything outside DIR/sandbox (names, types, sizes, modes,
# link targets, mtimes, contents).
snapshot() {
  (cd "$1" && find . -path ./sandbox -prune -o -path ./.run -prune -o \
    -printf '%p %y %s %m %l %T@\n' | sort && find . -path ./sandbox -prune -o -path ./.run -prune \
    -o -type f -exec md5sum {} + | sort)
}

# free_port: an unused localhost TCP port.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# echo_client PORT TEXT: connects (retrying while the server starts), sends
# TEXT and a half-close, prints what comes back.
echo_client() {
  node -e '
    const net = require("net");
    const [port, text] = process.argv.slice(1);
    let tries = 0;
    const go = () => {
      const c = net.connect(+port, "127.0.0.1");
      let got = "";
      c.on("connect", () => c.end(text));
      c.on("data", (d) => (got += d));
      c.on("end", () => { process.stdout.write(got); process.exit(0); });
      c.on("error", (e) => {
        if (e.code === "ECONNREFUSED" && ++tries < 200) setTimeout(go, 50);
        else { console.error("client: " + e.message); process.exit(1); }
      });
    };
    go();
    setTimeout(() => { console.error("client: timed out"); process.exit(1); }, 20000);
  ' "$1" "$2"
}

# racer DIR: flips DIR/sandbox/racedir between a link to the inside
# directory and links to the outside, atomically (rename over the link) and
# non-atomically (remove, then create), until killed.
racer() {
  cd "$1/sandbox" || exit 1
  while :; do
    ln -s "$1/outside" racetmp && mv -T racetmp racedir
    ln -s racereal racetmp && mv -T racetmp racedir
    ln -s ../outside racetmp && mv -T racetmp racedir
    rm -f racedir && ln -s racereal racedir
    rm -f racedir && ln -s ../outside racedir
    rm -f racedir && ln -s racereal racedir
  done
}

# invoke RUNNER DIR OPTS... -- ARGS...: runs the case in DIR/.run, status in $rc.
invoke() {
  runner=$1 dir=$2
  shift 2
  opts=
  for a in "$@"; do
    shift
    [ "$a" = -- ] && break
    opts="$opts $(quote "$a")"
  done
  eval "set -- $opts $(quote "$BUILD/$name.wasm") $(quotes "$@")"
  if [ "$runner" = node ]; then
    set -- $NODE_RUN "$@"
  else
    set -- "$WHARF" run "$@"
    if [ -n "$maxrss" ] && [ "${WASI_TEST_NO_MAXRSS:-}" != 1 ]; then
      set -- /usr/bin/time -f %M -o "$dir/.run/rss" "$@"
    fi
    [ -n "$case_env" ] && eval "set -- env $case_env \"\$@\""
  fi
  # The host cwd is the outside directory, so anything resolved against the
  # host's cwd instead of a preopen finds the secret.
  started=$(date +%s)
  if [ "$stdin_file" = hang ]; then
    # A FIFO opened read-write: no data ever, and no EOF (a writer exists).
    rm -f "$dir/.run/fifo" && mkfifo "$dir/.run/fifo"
    (cd "$dir/outside" && WHARF_WASI_TEST_INHERIT=yes timeout -k 5 "$wall" "$@" \
      <>"$dir/.run/fifo" >"$dir/.run/out" 2>"$dir/.run/err")
  elif [ -n "$stdio" ]; then
    # The runner's own descriptions on fds 7 (stdout) and 8 (stdin), as a
    # shell's `>> log` and `< file` or pipe are shared with the programs it
    # starts.
    printf '%s\n' "$LOG_LINE" >"$dir/.run/log"
    exec 7>>"$dir/.run/log"
    if [ "$stdio" = pipe ]; then
      rm -f "$dir/.run/fifo" && mkfifo "$dir/.run/fifo"
      exec 8<>"$dir/.run/fifo"
      cat "$stdin_file" >&8
    else
      exec 8<"$stdin_file"
    fi
    shared_flags >"$dir/.run/flags.before"
    (cd "$dir/outside" && WHARF_WASI_TEST_INHERIT=yes timeout -k 5 "$wall" "$@" \
      <&8 >&7 2>"$dir/.run/err")
    rc=$?
    shared_flags >"$dir/.run/flags.after"
    exec 7>&- 8<&-
    sed 1d "$dir/.run/log" >"$dir/.run/out"
    (exit $rc)
  else
    (cd "$dir/outside" && WHARF_WASI_TEST_INHERIT=yes timeout -k 5 "$wall" "$@" \
      <"$stdin_file" >"$dir/.run/out" 2>"$dir/.run/err")
  fi
  rc=$?
  [ $(($(date +%s) - started)) -ge "$wall" ] && rc=timeout
  echo "$rc" >"$dir/.run/rc"
}

# shared_flags: the open flags of the descriptions on fds 7 and 8 (sed
# inherits them and reads its own fdinfo).
shared_flags() {
  for f in 7 8; do printf '%s: ' "$f" && sed -n 's/^flags:[[:space:]]*//p' "/proc/self/fdinfo/$f"; done
}
LOG_LINE="an earlier line of the log"

# prepare_stdin DIR: sets stdin_file for the case's stdin directive.
prepare_stdin() {
  stdin_file=/dev/null
  if [ "$stdin" = hang ]; then
    stdin_file=hang
  elif [ -n "$stdin" ]; then
    cp "$SRC/$stdin" "$1/stdin.txt" && stdin_file=$1/stdin.txt
  fi
}
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
quotes() { for q in "$@"; do printf '%s ' "$(quote "$q")"; done; }

# expand TEXT DIR: substitutes the placeholders.
expand() {
  printf '%s' "$1" | sed -e "s|{sandbox}|$2/sandbox|g" -e "s|{outside}|$2/outside|g" \
    -e "s|{ro}|$2/ro|g" -e "s|{tmp}|$2|g" -e "s|{port}|${port:-0}|g"
}

report_fail() {
  failed=$((failed + 1))
  printf 'FAIL %s: %s\n' "$case" "$1"
  printf '  run: %s\n' "$runline"
  [ -s "$2/.run/out" ] && sed -n '1,15s/^/  stdout: /p' "$2/.run/out"
  [ -s "$2/.run/err" ] && sed -n '1,15s/^/  stderr: /p' "$2/.run/err"
  return 0
}

# check_common DIR WHO: the checks every case gets; returns 1 on failure.
check_common() {
  if grep -q "$SECRET" "$1/.run/out" "$1/.run/err"; then
    report_fail "$2: the outside secret leaked into the output" "$1"; return 1
  fi
  if [ "$(snapshot "$1")" != "$(cat "$1/.run/before")" ]; then
    report_fail "$2: files outside the sandbox changed: $(snapshot "$1" | diff "$1/.run/before" - | grep '^[<>]' | head -5 | tr '\n' ' ')" "$1"
    return 1
  fi
  if [ "$rc" = timeout ]; then
    report_fail "$2: still running after ${wall}s (killed)" "$1"; return 1
  fi
  return 0
}

run_case() {
  dir=$ROOT/$case_id
  make_tree "$dir"
  port=
  [ -n "$client" ] && port=$(free_port)
  runline=$(expand "$run" "$dir")
  prepare_stdin "$dir"
  snapshot "$dir" >"$dir/.run/before"
  if [ "$WHARF" = node ]; then
    if [ "$node" = skip ]; then
      skipped=$((skipped + 1)); printf 'SKIP %s (node: skip)\n' "$case"; return
    fi
    case " $runline " in
      *" --tcplisten "*|*" --timeout "*|*" --fuel "*|*" --max-"*|*" --invoke "*|*" --env-inherit "*)
        skipped=$((skipped + 1)); printf 'SKIP %s (not runnable under node)\n' "$case"; return ;;
    esac
  fi
  RACER=
  if [ "$setup" = race ]; then
    racer "$dir" >/dev/null 2>&1 &
    RACER=$!
  fi
  client_out=
  if [ -n "$client" ]; then
    eval "invoke \"\$WHARF\" \"\$dir\" $runline" &
    bg=$!
    client_out=$(echo_client "$port" "${client#echo }" 2>&1)
    client_rc=$?
    wait $bg
    rc=$(cat "$dir/.run/rc" 2>/dev/null || echo "?")
  else
    eval "invoke \"\$WHARF\" \"\$dir\" $runline"
  fi
  if [ -n "$RACER" ]; then
    kill "$RACER" 2>/dev/null; wait "$RACER" 2>/dev/null; RACER=
  fi
  check_common "$dir" "$WHARF_NAME" || return
  if [ -n "$stdio" ]; then
    if ! cmp -s "$dir/.run/flags.before" "$dir/.run/flags.after"; then
      report_fail "the shared stdio descriptions' flags changed: $(cat "$dir/.run/flags.before" | tr '\n' ' ')-> $(cat "$dir/.run/flags.after" | tr '\n' ' ')" "$dir"
      return
    fi
    if [ "$(head -n 1 "$dir/.run/log")" != "$LOG_LINE" ]; then
      report_fail "the log's earlier line was overwritten: $(head -c 80 "$dir/.run/log" | tr '\n' ' ')" "$dir"
      return
    fi
  fi
  if [ -n "$maxrss" ] && [ "$WHARF" != node ] && [ "${WASI_TEST_NO_MAXRSS:-}" != 1 ]; then
    # GNU time reports kilobytes on its last line (after any note on a signal).
    rss=$(tail -n 1 "$dir/.run/rss" 2>/dev/null)
    case $rss in
      ''|*[!0-9]*) report_fail "no peak RSS measured (is GNU time, /usr/bin/time, installed?)" "$dir"; return ;;
    esac
    if [ "$rss" -gt $((maxrss * 1024)) ]; then
      # Once, GNU time reported gigabytes for a run of 0.1 s that stays at
      # 20 MB in every other: measure twice before failing.
      if [ -z "${rss_retry:-}" ]; then
        printf 'note %s: peak RSS %d MB, want below %d MB; running it again\n' "$case" $((rss / 1024)) "$maxrss"
        chmod -R u+rwx "$dir" && rm -rf "$dir"
        rss_retry=1
        run_case
        rss_retry=
        return
      fi
      report_fail "peak RSS $((rss / 1024)) MB, want below $maxrss MB" "$dir"; return
    fi
  fi
  ok=0
  for want in $(echo "$exit_codes" | tr '|' ' '); do
    [ "$rc" = "$want" ] && ok=1
  done
  if [ $ok = 0 ]; then
    sig=
    [ "$rc" -gt 128 ] && sig=" (killed by signal $((rc - 128))?)"
    report_fail "exit status $rc$sig, want $exit_codes" "$dir"; return
  fi
  if [ -n "$stdout_file" ] && ! diff -u "$SRC/$stdout_file" "$dir/.run/out" >"$dir/.run/diff"; then
    report_fail "stdout differs from $stdout_file:$(sed -n '3,20s/^/\n    /p' "$dir/.run/diff" | tr -d '\n' | sed 's/\\n/\n/g')" "$dir"
    return
  fi
  if [ "$rc" != 0 ] && [ -n "$stderr_re" ] && ! grep -Eq -- "$stderr_re" "$dir/.run/err"; then
    report_fail "stderr does not match /$stderr_re/" "$dir"; return
  fi
  if [ -n "$client" ]; then
    if [ "$client_rc" != 0 ] || [ "$client_out" != "echo: ${client#echo }" ]; then
      report_fail "client got [$client_out] (status $client_rc), want [echo: ${client#echo }]" "$dir"
      return
    fi
  fi
  if [ "$compare" = node ] && [ "$WHARF" != node ]; then
    ndir=$ROOT/$case_id.node
    make_tree "$ndir"
    prepare_stdin "$ndir"
    snapshot "$ndir" >"$ndir/.run/before"
    wrc=$rc
    nrunline=$(expand "$run" "$ndir")
    eval "invoke node \"\$ndir\" $nrunline"
    # Same relative layout, so the outputs are comparable byte for byte
    # once each tree's root is masked.
    sed "s|$dir|{tmp}|g" "$dir/.run/out" >"$dir/.run/out.masked"
    sed "s|$ndir|{tmp}|g" "$ndir/.run/out" >"$ndir/.run/out.masked"
    if [ "$rc" != "$wrc" ] || ! cmp -s "$dir/.run/out.masked" "$ndir/.run/out.masked"; then
      report_fail "differs from node: status $wrc vs node $rc$(diff "$ndir/.run/out.masked" "$dir/.run/out.masked" | sed -n '1,10s/^/\n    /p' | tr -d '\n' | sed 's/\\n/\n/g')" "$dir"
      return
    fi
  fi
  passed=$((passed + 1))
  printf 'PASS %s\n' "$case"
}

WHARF_NAME=wharf
[ "$WHARF" = node ] && WHARF_NAME=node
if [ $# -gt 0 ]; then
  names="$*"
else
  names=$(cd "$SRC" && ls *.c | sed 's/\.c$//')
fi
group=${WASI_TEST_GROUP:-}
for name in $names; do
  case "$group:$name" in
    sandbox:sandbox_*|limits:limits_*|:*) ;;
    other:sandbox_*|other:limits_*|sandbox:*|limits:*) continue ;;
  esac
  if [ ! -f "$BUILD/$name.wasm" ]; then
    failed=$((failed + 1)); printf 'FAIL %s: %s/%s.wasm was not built\n' "$name" "$BUILD" "$name"
    continue
  fi
  # One record per case: run, exit, stdout, stderr, compare, setup, client,
  # wall, node, stdin, stdio, env, maxrss.
  awk -v US="$US" '
    !/^\/\// { exit }
    function flush() { if (have) print run US ex US so US se US cmp US setup US cl US wall US nd US stdn US sio US envs US rss }
    { line = $0; sub(/^\/\/ */, "", line); key = line; sub(/:.*/, "", key); val = line
      sub(/^[a-z]+: ?/, "", val) }
    key == "run" { flush(); have = 1; run = val; ex = "0"; so = se = cmp = setup = cl = nd = stdn = sio = envs = rss = ""; wall = 60; next }
    !have { next }
    key == "exit" { ex = val } key == "stdout" { so = val } key == "stderr" { se = val }
    key == "compare" { cmp = val } key == "setup" { setup = val } key == "client" { cl = val }
    key == "wall" { wall = val } key == "node" { nd = val } key == "stdin" { stdn = val }
    key == "stdio" { sio = val } key == "env" { envs = val } key == "maxrss" { rss = val }
    END { flush() }' "$SRC/$name.c" >"$ROOT/cases"
  n=0
  while IFS=$US read -r run exit_codes stdout_file stderr_re compare setup client wall node stdin stdio case_env maxrss; do
    n=$((n + 1))
    case=$name
    [ $n -gt 1 ] && case="$name#$n"
    case_id="$name.$n"
    run_case </dev/null
  done <"$ROOT/cases"
  if [ $n = 0 ]; then
    failed=$((failed + 1)); printf 'FAIL %s: no "// run:" line\n' "$name"
  fi
done
printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
[ $failed = 0 ]
