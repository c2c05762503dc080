// A guest that never finishes: a pure loop, a loop of host calls, and a
// sleep in poll_oneoff for an hour. --timeout must stop each (a trap saying
// "interrupted"), --fuel the loops ("all fuel consumed"); wharf exits on its
// own well before the runner's wall-clock limit.
// run: --timeout 1s -- spin
// exit: 134
// stderr: interrupted|timeout
// wall: 30
// run: --timeout 500ms -- yield
// exit: 134
// stderr: interrupted|timeout
// wall: 30
// run: --timeout 1s -- sleep
// exit: 134
// stderr: interrupted|timeout
// wall: 30
// run: --timeout 1s -- read-stdin
// stdin: hang
// exit: 134
// stderr: interrupted|timeout
// wall: 30
// run: --fuel 1000000 -- spin
// exit: 134
// stderr: all fuel consumed
// wall: 30
// run: --fuel 1000000 -- yield
// exit: 134
// stderr: all fuel consumed
// wall: 30
// Within its budget the guest finishes normally.
// run: --timeout 30s --fuel 100000000 -- count
// stdout: limits_loop.count.stdout
#include "wasi_test.h"

static volatile uint64_t counter;

int main(int argc, char **argv) {
  CHECK(argc == 2);
  const char *what = argv[1];
  if (strcmp(what, "spin") == 0)
    for (;;) counter++;
  if (strcmp(what, "yield") == 0)
    for (;;) (void)raw_sched_yield();
  if (strcmp(what, "sleep") == 0) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s.u.u.clock.timeout = 3600ull * 1000000000ull;
    __wasi_event_t ev;
    uint32_t n;
    OK(raw_poll_oneoff(P(&s), P(&ev), 1, P(&n)));
    printf("woke up after an hour?\n");
    return 1;
  }
  if (strcmp(what, "read-stdin") == 0) {
    // The runner gives this case a stdin that never delivers data: the
    // read blocks in the host.
    char c;
    __wasi_iovec_t iov = {(uint8_t *)&c, 1};
    uint32_t n;
    OK(raw_fd_read(0, P(&iov), 1, P(&n)));
    printf("read returned %u bytes?\n", n);
    return 1;
  }
  if (strcmp(what, "count") == 0) {
    for (int i = 0; i < 100000; i++) counter++;
    printf("counted to %llu\n", (unsigned long long)counter);
    return 0;
  }
  FAIL_AT("unknown mode %s", what);
}
