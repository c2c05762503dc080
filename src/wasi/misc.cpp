// args, environ, clocks, randomness, poll_oneoff, process control and
// sockets.
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "runtime/fuel.h"
#include "wasi/functions.h"
#include "wasi/metering.h"

namespace wharf::wasi::fn {
namespace {

uint32_t u32(const Value* a, int i) { return a[i].i32; }

// argv/environ: an array of pointers into one buffer of NUL-terminated strings.
Errno sizesGet(Context::Impl& c, const std::vector<std::string>& list, uint32_t countOut, uint32_t sizeOut) {
  if (!c.mem.ok(countOut, 4) || !c.mem.ok(sizeOut, 4)) return err::Fault;
  uint64_t size = 0;
  for (const std::string& s : list) size += s.size() + 1;
  c.mem.store<uint32_t>(countOut, uint32_t(list.size()));
  c.mem.store<uint32_t>(sizeOut, uint32_t(size));
  return err::Success;
}

Errno listGet(Context::Impl& c, const std::vector<std::string>& list, uint32_t ptrs, uint32_t buf) {
  uint64_t size = 0;
  for (const std::string& s : list) size += s.size() + 1;
  if (!c.mem.ok(ptrs, uint64_t(list.size()) * 4) || !c.mem.ok(buf, size)) return err::Fault;
  uint32_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    c.mem.store<uint32_t>(ptrs + uint32_t(i) * 4, at);
    std::memcpy(c.mem.at(at), list[i].c_str(), list[i].size() + 1);
    at += uint32_t(list[i].size() + 1);
  }
  return err::Success;
}

bool hostClock(uint32_t id, clockid_t* out) {
  switch (id) {
    case ClockRealtime: *out = CLOCK_REALTIME; return true;
    case ClockMonotonic: *out = CLOCK_MONOTONIC; return true;
    case ClockProcessCpu: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case ClockThreadCpu: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

uint64_t nanos(const timespec& t) { return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec); }

uint64_t now(clockid_t id) {
  timespec t;
  clock_gettime(id, &t);
  return nanos(t);
}

bool isSocket(const Descriptor& d) {
  return d.type == FileType::SocketStream || d.type == FileType::SocketDgram;
}

}  // namespace

uint32_t args_sizes_get(Context::Impl& c, const Value* a) {
  return sizesGet(c, c.args, u32(a, 0), u32(a, 1));
}
uint32_t args_get(Context::Impl& c, const Value* a) { return listGet(c, c.args, u32(a, 0), u32(a, 1)); }
uint32_t environ_sizes_get(Context::Impl& c, const Value* a) {
  return sizesGet(c, c.env, u32(a, 0), u32(a, 1));
}
uint32_t environ_get(Context::Impl& c, const Value* a) { return listGet(c, c.env, u32(a, 0), u32(a, 1)); }

namespace {

// clock_res_get / clock_time_get: one host query of clock a[0], stored at a[resultArg].
Errno clockQuery(Context::Impl& c, const Value* a, int resultArg, int (*query)(clockid_t, timespec*)) {
  clockid_t id;
  if (!hostClock(u32(a, 0), &id)) return err::Inval;
  uint32_t out = u32(a, resultArg);
  if (!c.mem.ok(out, 8)) return err::Fault;
  timespec t;
  if (query(id, &t) != 0) return lastError();
  c.mem.store<uint64_t>(out, nanos(t));
  return err::Success;
}

}  // namespace

uint32_t clock_res_get(Context::Impl& c, const Value* a) { return clockQuery(c, a, 1, ::clock_getres); }
// The precision argument (a[1]) is a hint; the host clock is as precise as it is.
uint32_t clock_time_get(Context::Impl& c, const Value* a) { return clockQuery(c, a, 2, ::clock_gettime); }

uint32_t random_get(Context::Impl& c, const Value* a) {
  uint32_t buf = u32(a, 0), len = u32(a, 1);
  if (!c.mem.ok(buf, len)) return err::Fault;
  if (!interp::chargeFuel(fuel::cost(len, fuel::kRandomRate))) {
    c.trap = Trap{TrapKind::OutOfFuel, {}, 0};
    return kRaiseTrap;
  }
  // In pieces (a GiB takes seconds), so a --timeout stops it in between.
  for (uint32_t done = 0; done < len;) {
    if (fuel::takeInterrupt(*interp::interruptFlag())) {
      c.trap = Trap{TrapKind::Interrupted, {}, 0};
      return kRaiseTrap;
    }
    ssize_t n = ::getrandom(c.mem.at(buf + done), std::min<uint64_t>(len - done, fuel::kChunkBytes), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return lastError();
    }
    done += uint32_t(n);
  }
  return err::Success;
}

uint32_t sched_yield(Context::Impl&, const Value*) {
  ::sched_yield();
  return err::Success;
}

uint32_t proc_exit(Context::Impl& c, const Value* a) {
  c.trap = Trap{TrapKind::Exit, {}, int32_t(u32(a, 0))};
  return kRaiseTrap;
}

uint32_t proc_raise(Context::Impl& c, const Value* a) {
  // WASI signal numbers, in order, with what each does by default.
  struct Signal {
    const char* name;
    int host;
    bool terminates;
  };
  static const Signal kSignals[] = {
      {"", 0, false},
      {"SIGHUP", SIGHUP, true},
      {"SIGINT", SIGINT, true},
      {"SIGQUIT", SIGQUIT, true},
      {"SIGILL", SIGILL, true},
      {"SIGTRAP", SIGTRAP, true},
      {"SIGABRT", SIGABRT, true},
      {"SIGBUS", SIGBUS, true},
      {"SIGFPE", SIGFPE, true},
      {"SIGKILL", SIGKILL, true},
      {"SIGUSR1", SIGUSR1, true},
      {"SIGSEGV", SIGSEGV, true},
      {"SIGUSR2", SIGUSR2, true},
      {"SIGPIPE", SIGPIPE, true},
      {"SIGALRM", SIGALRM, true},
      {"SIGTERM", SIGTERM, true},
      {"SIGCHLD", SIGCHLD, false},
      {"SIGCONT", SIGCONT, false},
      {"SIGSTOP", SIGSTOP, false},
      {"SIGTSTP", SIGTSTP, false},
      {"SIGTTIN", SIGTTIN, false},
      {"SIGTTOU", SIGTTOU, false},
      {"SIGURG", SIGURG, false},
      {"SIGXCPU", SIGXCPU, true},
      {"SIGXFSZ", SIGXFSZ, true},
      {"SIGVTALRM", SIGVTALRM, true},
      {"SIGPROF", SIGPROF, true},
      {"SIGWINCH", SIGWINCH, false},
      {"SIGPOLL", SIGPOLL, true},
      {"SIGPWR", SIGPWR, true},
      {"SIGSYS", SIGSYS, true},
  };
  uint32_t sig = u32(a, 0);
  if (sig >= std::size(kSignals)) return err::Inval;
  const Signal& s = kSignals[sig];
  // Signals that do nothing by default (or would stop the process, which a
  // sandboxed guest may not do to its host) return at once.
  if (!s.terminates) return err::Success;
  // A terminating signal ends the guest only, with the shell's status for
  // death by that signal; the host process is never signalled.
  c.trap = Trap{TrapKind::Exit, std::string("guest terminated by ") + s.name + " (proc_raise)", 128 + s.host};
  return kRaiseTrap;
}

namespace {

// One subscription, as the guest wrote it.
struct Subscription {
  uint64_t userdata;
  uint8_t tag;
  uint32_t fd;  // fd_read / fd_write
  uint32_t clock;
  uint64_t timeout;
  uint16_t flags;
};

Subscription loadSubscription(const GuestMemory& mem, uint32_t s) {
  return {mem.load<uint64_t>(s),      mem.load<uint8_t>(s + 8),   mem.load<uint32_t>(s + 16),
          mem.load<uint32_t>(s + 16), mem.load<uint64_t>(s + 24), mem.load<uint16_t>(s + 40)};
}

// What a subscription needs: an event now, a deadline, or a host poll.
struct Outcome {
  enum Kind { Now, Timer, Wait } kind;
  Errno error = err::Success;
  uint64_t nbytes = 0;    // Now
  uint64_t deadline = 0;  // Timer: CLOCK_MONOTONIC nanoseconds
};

// A pure function of the subscription, the descriptor table and the two
// clock readings, so that it gives the same answer each time it is asked.
Outcome classify(Context::Impl& c, const Subscription& s, uint64_t monoNow, uint64_t realNow) {
  if (s.tag == EventClock) {
    if (s.clock > ClockThreadCpu) return {Outcome::Now, err::Inval};
    // A relative timeout on a CPU-time clock waits that long in real time.
    if (!(s.flags & kSubclockAbstime))
      return {Outcome::Timer, err::Success, 0, monoNow + std::min<uint64_t>(s.timeout, UINT64_MAX - monoNow)};
    if (s.clock == ClockMonotonic) return {Outcome::Timer, err::Success, 0, s.timeout};
    if (s.clock == ClockRealtime)
      return {Outcome::Timer, err::Success, 0,
              s.timeout <= realNow ? monoNow : monoNow + (s.timeout - realNow)};
    return {Outcome::Now, err::NotSup};  // absolute CPU time: no way to wait for it
  }
  if (s.tag != EventFdRead && s.tag != EventFdWrite) return {Outcome::Now, err::Inval};
  Descriptor* d = c.get(s.fd);
  if (!d) return {Outcome::Now, err::BadF};
  if (!(d->base & right::PollFdReadwrite)) return {Outcome::Now, err::NotCapable};
  if (d->type != FileType::RegularFile) return {Outcome::Wait};
  // Files are always ready; a read reports the bytes left.
  Outcome o{Outcome::Now};
  if (s.tag == EventFdRead) {
    struct stat st;
    off_t pos = ::lseek(d->hostFd, 0, SEEK_CUR);
    if (::fstat(d->hostFd, &st) == 0 && pos >= 0 && st.st_size > pos) o.nbytes = uint64_t(st.st_size - pos);
  }
  return o;
}

}  // namespace

// Subscriptions are read from guest memory each time they are needed rather
// than copied: the host keeps one pollfd per distinct descriptor waited on
// (and a map over the descriptor table), whatever the number of
// subscriptions. Events are written in subscription order in a last pass,
// each after its subscription was read; so the event array may start at or
// before the subscriptions, but not inside them (EINVAL), where an event
// would overwrite a subscription not yet read.
uint32_t poll_oneoff(Context::Impl& c, const Value* a) {
  uint32_t in = u32(a, 0), out = u32(a, 1), n = u32(a, 2), neventsOut = u32(a, 3);
  if (n == 0) return err::Inval;
  uint64_t inBytes = uint64_t(n) * layout::kSubscription;
  if (!c.mem.ok(in, inBytes) || !c.mem.ok(out, uint64_t(n) * layout::kEvent) || !c.mem.ok(neventsOut, 4))
    return err::Fault;
  if (out > in && out < in + inBytes) return err::Inval;

  // An unknown subscription kind is a malformed argument: the whole call fails.
  for (uint32_t i = 0; i < n; ++i) {
    Subscription s = loadSubscription(c.mem, in + i * layout::kSubscription);
    if (s.tag > EventFdWrite) return err::Inval;
    if (s.tag == EventClock && (s.flags & ~kSubclockAbstime)) return err::Inval;
  }

  uint64_t monoNow = now(CLOCK_MONOTONIC), realNow = now(CLOCK_REALTIME);
  uint32_t answered = 0;           // subscriptions with an event now
  uint64_t earliest = UINT64_MAX;  // the first deadline
  std::vector<pollfd> pfds;        // one per descriptor waited on
  std::vector<int32_t> slotOf;     // guest fd -> index in pfds, or -1
  for (uint32_t i = 0; i < n; ++i) {
    Subscription s = loadSubscription(c.mem, in + i * layout::kSubscription);
    Outcome o = classify(c, s, monoNow, realNow);
    if (o.kind == Outcome::Now) {
      ++answered;
    } else if (o.kind == Outcome::Timer) {
      earliest = std::min(earliest, o.deadline);
    } else {
      if (slotOf.empty()) slotOf.assign(c.fds.size(), -1);
      if (slotOf[s.fd] < 0) {
        slotOf[s.fd] = int32_t(pfds.size());
        pfds.push_back({c.fds[s.fd].hostFd, 0, 0});
      }
      pfds[size_t(slotOf[s.fd])].events |= short(s.tag == EventFdRead ? POLLIN : POLLOUT);
    }
  }

  // Wait in slices, so a --timeout (the interrupt flag) also ends a guest
  // that sleeps.
  std::atomic<bool>* interrupt = interp::interruptFlag();
  bool fdsReady = false;
  uint64_t firedBy = 0;  // timers due by this time fire
  for (;;) {
    uint64_t t = now(CLOCK_MONOTONIC);
    uint64_t wait = answered || earliest <= t ? 0 : earliest - t;
    constexpr uint64_t kSlice = 50'000'000;  // 50 ms
    int ms = wait == 0 ? 0 : int((std::min(wait, kSlice) + 999'999) / 1'000'000);
    int r = pfds.empty() ? 0 : ::poll(pfds.data(), pfds.size(), ms);
    if (pfds.empty() && ms > 0) {
      timespec ts{0, long(std::min(wait, kSlice))};
      ::nanosleep(&ts, nullptr);
    }
    if (r < 0 && errno != EINTR) return lastError();
    fdsReady = r > 0;
    if (answered || fdsReady) break;
    uint64_t t2 = now(CLOCK_MONOTONIC);
    if (earliest <= t2) {
      firedBy = t2;
      break;
    }
    if (interrupt->load(std::memory_order_relaxed)) {
      c.trap = Trap{TrapKind::Interrupted, {}, 0};
      return kRaiseTrap;
    }
  }

  // Immediate answers and ready descriptors; timers only when nothing else.
  uint32_t count = 0;
  for (uint32_t i = 0; i < n; ++i) {
    Subscription s = loadSubscription(c.mem, in + i * layout::kSubscription);
    Outcome o = classify(c, s, monoNow, realNow);
    Errno error = o.error;
    uint64_t nbytes = o.nbytes;
    uint16_t flags = 0;
    if (o.kind == Outcome::Timer) {
      if (answered || fdsReady || o.deadline > firedBy) continue;
    } else if (o.kind == Outcome::Wait) {
      if (!fdsReady) continue;
      const pollfd& p = pfds[size_t(slotOf[s.fd])];
      short mine = short((s.tag == EventFdRead ? POLLIN : POLLOUT) | POLLHUP | POLLERR | POLLNVAL);
      if (!(p.revents & mine)) continue;
      if (p.revents & POLLNVAL) error = err::BadF;
      if (p.revents & (POLLHUP | POLLERR)) flags |= kEventFdHangup;
      int avail = 0;
      if (s.tag == EventFdRead && ::ioctl(p.fd, FIONREAD, &avail) == 0 && avail > 0) nbytes = uint64_t(avail);
    }
    uint32_t e = out + count++ * layout::kEvent;
    std::memset(c.mem.at(e), 0, layout::kEvent);
    c.mem.store<uint64_t>(e, s.userdata);
    c.mem.store<uint16_t>(e + 8, error);
    c.mem.store<uint8_t>(e + 10, s.tag);
    c.mem.store<uint64_t>(e + 16, nbytes);
    c.mem.store<uint16_t>(e + 24, flags);
  }
  c.mem.store<uint32_t>(neventsOut, count);
  return err::Success;
}

// ---- sockets: only those granted (--tcplisten) and what they accept ----

namespace {

// The socket behind a[0], if it has `rights`; otherwise *error says why.
Descriptor* socketWith(Context::Impl& c, const Value* a, Rights rights, Errno* error) {
  Descriptor* d = c.get(u32(a, 0));
  *error = !d ? err::BadF : !isSocket(*d) ? err::NotSock : (d->base & rights) != rights ? err::NotCapable : 0;
  return *error ? nullptr : d;
}

// sock_recv/sock_send: the data iovecs are a[1], a[2]; `io` sends or
// receives `msg`, retried on EINTR (a send in pieces: wasi/metering.h).
// kRaiseTrap when out of fuel or interrupted.
template <typename Io>
uint32_t socketIo(Context::Impl& c, const Value* a, std::vector<iovec>& iov, msghdr& msg, bool send, Io io,
                  ssize_t* n) {
  Errno e = guestIovecs(c.mem, u32(a, 1), u32(a, 2), iov);
  if (e != err::Success) return e;
  *n = meteredIo(c, iov, send, [&](const iovec* v, int count, uint64_t) {
    msg = {};
    msg.msg_iov = const_cast<iovec*>(v);
    msg.msg_iovlen = size_t(count);
    ssize_t r;
    do r = io(&msg);
    while (r < 0 && errno == EINTR);
    return long(r);
  });
  if (*n == kIoTrapped) return kRaiseTrap;
  return *n < 0 ? lastError() : err::Success;
}

}  // namespace

uint32_t sock_accept(Context::Impl& c, const Value* a) {
  Errno e;
  Descriptor* d = socketWith(c, a, right::SockAccept, &e);
  if (!d) return e;
  uint32_t flags = u32(a, 1), out = u32(a, 2);
  if (flags & ~uint32_t(kSockNonblock)) return err::Inval;
  if (!c.mem.ok(out, 4)) return err::Fault;
  // At the open-file limit the connection stays queued for a later accept.
  // (Reserving may move the table: `d` is not used after it.)
  int listener = d->hostFd;
  e = c.reserve();
  if (e != err::Success) return e;
  int fd;
  do fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | ((flags & kSockNonblock) ? SOCK_NONBLOCK : 0));
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return lastError();
  Descriptor nd;
  nd.hostFd = fd;
  nd.type = FileType::SocketStream;
  nd.base = right::kSocket;
  uint32_t guestFd;
  e = c.add(std::move(nd), &guestFd);
  if (e != err::Success) return e;
  c.mem.store<uint32_t>(out, guestFd);
  return err::Success;
}

uint32_t sock_recv(Context::Impl& c, const Value* a) {
  Errno e;
  Descriptor* d = socketWith(c, a, right::FdRead, &e);
  if (!d) return e;
  uint32_t flags = u32(a, 3), lenOut = u32(a, 4), flagsOut = u32(a, 5);
  if (flags & ~uint32_t(kRecvPeek | kRecvWaitall)) return err::Inval;
  if (!c.mem.ok(lenOut, 4) || !c.mem.ok(flagsOut, 2)) return err::Fault;
  int hostFlags = ((flags & kRecvPeek) ? MSG_PEEK : 0) | ((flags & kRecvWaitall) ? MSG_WAITALL : 0);
  std::vector<iovec> iov;
  msghdr msg;
  ssize_t n;
  uint32_t r =
      socketIo(c, a, iov, msg, false, [&](msghdr* m) { return ::recvmsg(d->hostFd, m, hostFlags); }, &n);
  if (r != err::Success) return r;
  c.mem.store<uint32_t>(lenOut, uint32_t(n));
  c.mem.store<uint16_t>(flagsOut, (msg.msg_flags & MSG_TRUNC) ? kRecvDataTruncated : 0);
  return err::Success;
}

uint32_t sock_send(Context::Impl& c, const Value* a) {
  Errno e;
  Descriptor* d = socketWith(c, a, right::FdWrite, &e);
  if (!d) return e;
  uint32_t flags = u32(a, 3), lenOut = u32(a, 4);
  if (flags != 0) return err::Inval;  // siflags has no flags defined
  if (!c.mem.ok(lenOut, 4)) return err::Fault;
  std::vector<iovec> iov;
  msghdr msg;
  ssize_t n;
  uint32_t r =
      socketIo(c, a, iov, msg, true, [&](msghdr* m) { return ::sendmsg(d->hostFd, m, MSG_NOSIGNAL); }, &n);
  if (r != err::Success) return r;
  c.mem.store<uint32_t>(lenOut, uint32_t(n));
  return err::Success;
}

uint32_t sock_shutdown(Context::Impl& c, const Value* a) {
  Errno e;
  Descriptor* d = socketWith(c, a, right::SockShutdown, &e);
  if (!d) return e;
  uint32_t how = u32(a, 1);
  if (how == 0 || how > (kShutRd | kShutWr)) return err::Inval;
  int h = how == (kShutRd | kShutWr) ? SHUT_RDWR : how == kShutRd ? SHUT_RD : SHUT_WR;
  return ::shutdown(d->hostFd, h) == 0 ? err::Success : lastError();
}

}  // namespace wharf::wasi::fn
