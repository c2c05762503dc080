// proc_exit (status passes through; exits from deep inside the call stack
// without running anything after it), proc_raise, sched_yield.
// run: -- exit 0
// exit: 0
// stdout: proc.exit.stdout
// compare: node
// run: -- exit 1
// exit: 1
// stdout: proc.exit.stdout
// compare: node
// run: -- exit 42
// exit: 42
// stdout: proc.exit.stdout
// compare: node
// run: -- exit 255
// exit: 255
// stdout: proc.exit.stdout
// compare: node
// run: -- nested 7
// exit: 7
// stdout: proc.nested.stdout
// compare: node
// run: -- yield
// stdout: proc.yield.stdout
// compare: node
// Invalid signal numbers are rejected and the guest carries on.
// run: -- raise-invalid
// stdout: proc.raise-invalid.stdout
// A real signal either comes back as an error (the guest goes on, status 0)
// or ends the guest -- as a trap (134) or with the shell's 128+N status for
// that signal -- with a message on stderr; either way wharf itself must not
// be killed by it (the required message tells the two apart).
// run: -- raise-term
// node: skip
// exit: 0|134|143
// stderr: signal|raise|SIGTERM|TERM
// run: -- raise-kill
// node: skip
// exit: 0|134|137
// stderr: signal|raise|SIGKILL|KILL
#include "wasi_test.h"

static void say(const char *s) {
  // Unbuffered, so nothing is lost when proc_exit skips libc's exit path.
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  uint32_t n;
  OK(raw_fd_write(1, P(&iov), 1, P(&n)));
}

__attribute__((noinline)) static void deep(int depth, uint32_t code) {
  if (depth == 0) {
    say("exiting from depth 100\n");
    raw_proc_exit(code);
  }
  deep(depth - 1, code);
  say("unreachable: returned from proc_exit\n");
}

int main(int argc, char **argv) {
  CHECK(argc >= 2);
  const char *what = argv[1];
  if (strcmp(what, "exit") == 0) {
    say("before proc_exit\n");
    raw_proc_exit((uint32_t)atoi(argv[2]));
  }
  if (strcmp(what, "nested") == 0) {
    deep(100, (uint32_t)atoi(argv[2]));
  }
  if (strcmp(what, "yield") == 0) {
    for (int i = 0; i < 1000; i++) OK(raw_sched_yield());
    say("sched_yield x1000 ok\n");
    return 0;
  }
  if (strcmp(what, "raise-invalid") == 0) {
    // Signals are numbered 0..30 in preview1.
    static const uint32_t bad[] = {31, 64, 1000, 0xFFFFFFFFu};
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++)
      CHECK(raw_proc_raise(bad[i]) != 0);
    say("invalid signals rejected\n");
    return 0;
  }
  if (strcmp(what, "raise-term") == 0 || strcmp(what, "raise-kill") == 0) {
    int e = raw_proc_raise(what[6] == 't' ? 15 : 9);
    CHECK(e != 0);  // if it returns at all, it must not claim the signal was delivered
    printf("proc_raise returned %s\n", errname(e));
    return 0;
  }
  FAIL_AT("unknown mode %s", what);
}
