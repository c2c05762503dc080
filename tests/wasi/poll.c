// poll_oneoff: clock subscriptions (relative and absolute, monotonic and
// realtime, several at once), fd_read/fd_write subscriptions on files that
// are always ready, a ready fd cutting a long clock short, and its error
// paths (no subscriptions, unknown event types and clocks, bad fds, an
// event array inside the subscriptions). stdin is /dev/null: always ready,
// but polled on the host.
// run: --dir {sandbox}::/sandbox
// stdout: poll.stdout
// A million subscriptions cost the host nothing per subscription (they
// took 64 MB of copies), with the events written over them.
// run: --max-memory 56M -- many
// stdout: poll.many.stdout
// maxrss: 72
// wall: 20
#include <time.h>
#include <unistd.h>
#include "wasi_test.h"

static uint32_t dir;

static uint64_t mono(void) {
  uint64_t t;
  OK(raw_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, P(&t)));
  return t;
}

static __wasi_subscription_t clock_sub(uint64_t ud, uint32_t id, uint64_t timeout, uint16_t flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = flags;
  return s;
}

static __wasi_subscription_t fd_sub(uint64_t ud, uint8_t type, uint32_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  s.u.u.fd_read.file_descriptor = fd;  // fd_read and fd_write share the layout
  return s;
}

#define MS 1000000ull

static void clocks(void) {
  __wasi_subscription_t s[3];
  __wasi_event_t ev[3];
  uint32_t n = 0;
  // Relative monotonic timeout.
  s[0] = clock_sub(0x1234567890ABCDEFull, __WASI_CLOCKID_MONOTONIC, 50 * MS, 0);
  uint64_t t0 = mono();
  memset(ev, 0xEE, sizeof ev);
  OK(raw_poll_oneoff(P(s), P(ev), 1, P(&n)));
  uint64_t waited = mono() - t0;
  CHECK_EQ(n, 1);
  CHECK(ev[0].userdata == 0x1234567890ABCDEFull);
  CHECK_EQ(ev[0].error, 0);
  CHECK_EQ(ev[0].type, __WASI_EVENTTYPE_CLOCK);
  CHECK(waited >= 50 * MS);
  printf("relative monotonic clock ok\n");

  // Absolute monotonic deadline.
  uint64_t deadline = mono() + 30 * MS;
  s[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, deadline, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  OK(raw_poll_oneoff(P(s), P(ev), 1, P(&n)));
  CHECK(n == 1 && ev[0].userdata == 7 && ev[0].error == 0);
  CHECK(mono() >= deadline);
  // A deadline already past fires at once.
  t0 = mono();
  s[0] = clock_sub(8, __WASI_CLOCKID_MONOTONIC, 1, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  OK(raw_poll_oneoff(P(s), P(ev), 1, P(&n)));
  CHECK(n == 1 && ev[0].userdata == 8);
  CHECK(mono() - t0 < 1000 * MS);
  // A zero timeout too.
  s[0] = clock_sub(9, __WASI_CLOCKID_MONOTONIC, 0, 0);
  OK(raw_poll_oneoff(P(s), P(ev), 1, P(&n)));
  CHECK(n == 1 && ev[0].userdata == 9);
  printf("absolute monotonic clock ok\n");

  // Realtime, relative and absolute.
  s[0] = clock_sub(10, __WASI_CLOCKID_REALTIME, 20 * MS, 0);
  t0 = mono();
  OK(raw_poll_oneoff(P(s), P(ev), 1, P(&n)));
  CHECK(n == 1 && ev[0].userdata == 10 && ev[0].error == 0);
  CHECK(mono() - t0 >= 19 * MS);
  uint64_t rt;
  OK(raw_clock_time_get(__WASI_CLOCKID_REALTIME, 1, P(&rt)));
  s[0] = clock_sub(11, __WASI_CLOCKID_REALTIME, rt + 20 * MS, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  OK(raw_poll_oneoff(P(s), P(ev), 1, P(&n)));
  CHECK(n == 1 && ev[0].userdata == 11 && ev[0].error == 0);
  uint64_t rt2;
  OK(raw_clock_time_get(__WASI_CLOCKID_REALTIME, 1, P(&rt2)));
  CHECK(rt2 >= rt + 19 * MS);
  printf("realtime clock ok\n");

  // Several clocks: the earliest fires, the hour-long one does not.
  s[0] = clock_sub(100, __WASI_CLOCKID_MONOTONIC, 3600000 * MS, 0);
  s[1] = clock_sub(101, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
  s[2] = clock_sub(102, __WASI_CLOCKID_MONOTONIC, 1800000 * MS, 0);
  t0 = mono();
  OK(raw_poll_oneoff(P(s), P(ev), 3, P(&n)));
  CHECK(mono() - t0 < 3000 * MS);
  CHECK(n >= 1);
  int saw101 = 0;
  for (uint32_t i = 0; i < n; i++) {
    CHECK(ev[i].userdata != 100 && ev[i].userdata != 102);
    saw101 |= ev[i].userdata == 101;
  }
  CHECK(saw101);
  printf("earliest of several clocks ok\n");

  // libc's sleep functions are built on poll_oneoff.
  t0 = mono();
  CHECK(usleep(20000) == 0);
  struct timespec ts = {0, 10 * MS};
  CHECK(nanosleep(&ts, NULL) == 0);
  CHECK(mono() - t0 >= 30 * MS);
  printf("usleep and nanosleep ok\n");
}

static void fds(void) {
  uint32_t fd;
  OK(open_at(dir, "hello.txt", 0, R(FD_READ) | R(FD_WRITE) | R(POLL_FD_READWRITE), 0, &fd));
  __wasi_subscription_t s[3];
  __wasi_event_t ev[3];
  uint32_t n = 0;
  // Regular files are always ready for reading and writing.
  s[0] = fd_sub(1, __WASI_EVENTTYPE_FD_READ, fd);
  s[1] = fd_sub(2, __WASI_EVENTTYPE_FD_WRITE, fd);
  OK(raw_poll_oneoff(P(s), P(ev), 2, P(&n)));
  CHECK_EQ(n, 2);
  int seen = 0;
  for (uint32_t i = 0; i < n; i++) {
    CHECK_EQ(ev[i].error, 0);
    if (ev[i].userdata == 1) CHECK_EQ(ev[i].type, __WASI_EVENTTYPE_FD_READ);
    if (ev[i].userdata == 2) CHECK_EQ(ev[i].type, __WASI_EVENTTYPE_FD_WRITE);
    seen |= 1 << ev[i].userdata;
  }
  CHECK_EQ(seen, 6);
  printf("fd_read and fd_write on a file: ready\n");

  // A ready fd ends the wait long before a one-hour clock.
  s[0] = clock_sub(3, __WASI_CLOCKID_MONOTONIC, 3600000 * MS, 0);
  s[1] = fd_sub(4, __WASI_EVENTTYPE_FD_READ, fd);
  uint64_t t0 = mono();
  OK(raw_poll_oneoff(P(s), P(ev), 2, P(&n)));
  CHECK(mono() - t0 < 3000 * MS);
  CHECK(n == 1 && ev[0].userdata == 4 && ev[0].error == 0);
  // stdout (a file or pipe here) is writable.
  s[0] = fd_sub(5, __WASI_EVENTTYPE_FD_WRITE, 1);
  OK(raw_poll_oneoff(P(s), P(ev), 1, P(&n)));
  CHECK(n == 1 && ev[0].userdata == 5 && ev[0].error == 0);
  printf("ready fd beats a long clock\n");

  // A bad fd: the call fails with EBADF, or reports it in the event.
  s[0] = fd_sub(6, __WASI_EVENTTYPE_FD_READ, 99);
  int e = raw_poll_oneoff(P(s), P(ev), 1, P(&n));
  CHECK(e == E_BADF || (e == 0 && n == 1 && ev[0].userdata == 6 && ev[0].error == E_BADF));
  s[0] = fd_sub(7, __WASI_EVENTTYPE_FD_WRITE, 0xFFFFFFFF);
  e = raw_poll_oneoff(P(s), P(ev), 1, P(&n));
  CHECK(e == E_BADF || (e == 0 && n == 1 && ev[0].userdata == 7 && ev[0].error == E_BADF));
  OK(raw_fd_close(fd));
  s[0] = fd_sub(8, __WASI_EVENTTYPE_FD_READ, fd);  // closed
  e = raw_poll_oneoff(P(s), P(ev), 1, P(&n));
  CHECK(e == E_BADF || (e == 0 && n == 1 && ev[0].userdata == 8 && ev[0].error == E_BADF));
  printf("bad fds: EBADF\n");

  // Reading and writing the same polled descriptor, many times over, with
  // an hour-long clock: every fd subscription answers, in order.
  static __wasi_subscription_t many[1001];
  static __wasi_event_t mev[1001];
  for (int i = 0; i < 1000; i++)
    many[i] = fd_sub(10 + i, i % 3 ? __WASI_EVENTTYPE_FD_READ : __WASI_EVENTTYPE_FD_WRITE, 0);
  many[1000] = clock_sub(9, __WASI_CLOCKID_MONOTONIC, 3600000 * MS, 0);
  OK(raw_poll_oneoff(P(many), P(mev), 1001, P(&n)));
  CHECK_EQ(n, 1000);
  for (uint32_t i = 0; i < n; i++) {
    CHECK_EQ(mev[i].userdata, 10 + i);
    CHECK_EQ(mev[i].error, 0);
    CHECK_EQ(mev[i].type, i % 3 ? __WASI_EVENTTYPE_FD_READ : __WASI_EVENTTYPE_FD_WRITE);
  }
  printf("1000 subscriptions on one polled fd: all ready, in order\n");
}

// Clock subscriptions that are all due, with the events written over them.
static void a_million(void) {
  const uint32_t count = 1000000;
  __wasi_subscription_t *s = malloc(count * sizeof *s);
  CHECK(s != NULL);
  for (uint32_t i = 0; i < count; i++) s[i] = clock_sub(i, __WASI_CLOCKID_MONOTONIC, 0, 0);
  uint32_t n = 0;
  OK(raw_poll_oneoff(P(s), P(s), count, P(&n)));
  CHECK_EQ(n, count);
  const __wasi_event_t *ev = (const __wasi_event_t *)s;
  for (uint32_t i = 0; i < n; i++) {
    CHECK_EQ(ev[i].userdata, i);
    CHECK_EQ(ev[i].error, 0);
    CHECK_EQ(ev[i].type, __WASI_EVENTTYPE_CLOCK);
  }
  printf("a million clocks: all fired\n");
}

static void errors(void) {
  __wasi_subscription_t s[2];
  __wasi_event_t ev[2];
  uint32_t n = 12345;
  // No subscriptions: it would wait forever.
  CHECK_ERR(raw_poll_oneoff(P(s), P(ev), 0, P(&n)), E_INVAL);
  // Unknown event type.
  s[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 0, 0);
  s[0].u.tag = 3;
  CHECK_ERR(raw_poll_oneoff(P(s), P(ev), 1, P(&n)), E_INVAL);
  s[0].u.tag = 255;
  CHECK_ERR(raw_poll_oneoff(P(s), P(ev), 1, P(&n)), E_INVAL);
  // Unknown clock: the call or the event says EINVAL.
  s[0] = clock_sub(2, 99, 0, 0);
  int e = raw_poll_oneoff(P(s), P(ev), 1, P(&n));
  CHECK(e == E_INVAL || (e == 0 && n == 1 && ev[0].userdata == 2 && ev[0].error == E_INVAL));
  // Unknown subclockflags bits.
  s[0] = clock_sub(3, __WASI_CLOCKID_MONOTONIC, 0, 0x2);
  CHECK_ERR(raw_poll_oneoff(P(s), P(ev), 1, P(&n)), E_INVAL);
  // Events that start inside the subscriptions would overwrite those not
  // yet read; starting at them is fine.
  s[0] = clock_sub(4, __WASI_CLOCKID_MONOTONIC, 0, 0);
  s[1] = clock_sub(5, __WASI_CLOCKID_MONOTONIC, 0, 0);
  CHECK_ERR(raw_poll_oneoff(P(s), P(s) + 8, 2, P(&n)), E_INVAL);
  CHECK_ERR(raw_poll_oneoff(P(s), P(&s[1]), 2, P(&n)), E_INVAL);
  OK(raw_poll_oneoff(P(s), P(s), 2, P(&n)));
  CHECK_EQ(n, 2);
  CHECK(((__wasi_event_t *)s)[0].userdata == 4 && ((__wasi_event_t *)s)[1].userdata == 5);
  printf("EINVAL: no subscriptions, unknown types, clocks and flags, overlapping events\n");
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "many") == 0) {
    a_million();
    return 0;
  }
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;
  clocks();
  fds();
  errors();
  return 0;
}
