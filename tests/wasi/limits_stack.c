// Unbounded recursion: wharf must stop it with "call stack exhausted" (by
// default and with --max-call-depth), and the host must stay healthy. A
// recursion that also eats the C shadow stack in linear memory ends in a
// trap too. Recursion within --max-call-depth completes.
// run: -- forever
// exit: 134
// stderr: call stack exhausted
// run: --max-call-depth 1000 -- forever
// exit: 134
// stderr: call stack exhausted
// run: --max-call-depth 1000 -- depth 500
// stdout: limits_stack.depth.stdout
// run: --max-call-depth 1000 -- depth 5000
// exit: 134
// stderr: call stack exhausted
// run: -- big-frames
// exit: 134
// stderr: call stack exhausted|out of bounds
// Under --max-memory the stacks count: recursion stops at the limit, and
// the note names it; recursion within it completes.
// run: --max-memory 4M -- forever
// exit: 134
// stderr: refused memory [0-9]+ time\(s\) by --max-memory
// maxrss: 16
// run: --max-memory 4M -- depth 500
// stdout: limits_stack.depth.stdout
// Mutual recursion through an indirect call: the same.
// run: -- mutual
// exit: 134
// stderr: call stack exhausted
#include "wasi_test.h"

// Called through pointers the optimizer cannot see through, so the
// recursion stays real (no tail calls, no loops).
static int (*volatile rec_ptr)(int);
static int (*volatile mutual_a)(int);
static int (*volatile mutual_b)(int);
static volatile int sink;

__attribute__((noinline)) static int rec(int n) {
  if (n == 0) return 0;
  int r = rec_ptr(n - 1);
  sink = r;
  return r + 1;
}

__attribute__((noinline)) static int big(int n) {
  volatile char frame[4096];  // on the shadow stack in linear memory
  frame[0] = (char)n;
  frame[4095] = (char)n;
  int r = ((int (*)(int))rec_ptr)(n + 1);
  return r + frame[0] + frame[4095];
}

__attribute__((noinline)) static int a(int n) {
  int r = mutual_b(n + 1);
  sink = r;
  return r + 1;
}
__attribute__((noinline)) static int b(int n) {
  int r = mutual_a(n + 1);
  sink = r;
  return r + 1;
}

int main(int argc, char** argv) {
  CHECK(argc >= 2);
  const char* what = argv[1];
  if (strcmp(what, "forever") == 0) {
    rec_ptr = rec;
    return rec(-1) == 12345;  // counts down from -1: never reaches 0
  }
  if (strcmp(what, "depth") == 0) {
    rec_ptr = rec;
    int depth = atoi(argv[2]);
    printf("recursed %d deep\n", rec(depth));
    return 0;
  }
  if (strcmp(what, "big-frames") == 0) {
    rec_ptr = big;
    return big(0) == 12345;
  }
  if (strcmp(what, "mutual") == 0) {
    mutual_a = a;
    mutual_b = b;
    return a(0) == 12345;
  }
  FAIL_AT("unknown mode %s", what);
}
