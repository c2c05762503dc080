// Fuel and --timeout for the WASI calls that move guest bytes (fd_read,
// fd_write, fd_pread, fd_pwrite, sock_recv, sock_send): a metered guest pays
// for the bytes it asks to move (runtime/fuel.h) before the host call, and a
// long blocking write is cut into pieces so an interrupt can stop it.
#pragma once

#include <sys/uio.h>

#include <climits>
#include <vector>

#include "interp/interp.h"
#include "runtime/fuel.h"
#include "wasi/context.h"

namespace wharf::wasi {

// What meteredIo returns when it raised Context::Impl::trap instead.
constexpr long kIoTrapped = LONG_MIN;

// Runs io(iovecs, count, done) -> bytes moved or -1 (errno set), where `done`
// is how many bytes earlier pieces moved (for an offset). The charge covers
// all of `iov`; what a short transfer or an error left unmoved is refunded.
// A read moves at most what the fuel left pays for (a short read); a write
// with insufficient fuel traps "all fuel consumed" before any transfer. A write
// (`blocks`: it returns only when everything is written) from metered code
// goes out in pieces of fuel::kChunkBytes, stopping with "interrupted" between
// pieces when asked to; a piece that moves less than asked, or fails after
// earlier pieces moved data, ends the call with the bytes moved so far.
template <typename Io>
long meteredIo(Context::Impl& c, std::vector<iovec>& iov, bool blocks, Io io) {
  uint64_t total = 0;
  for (const iovec& v : iov) total += v.iov_len;
  if (!blocks && interp::hostCallerMetered()) {
    // A read may always return less than asked: it reads what the fuel left
    // pays for, so a large buffer over a small file costs what is read, and
    // traps only when not even one byte can be paid for.
    int64_t left = interp::fuelLeft();
    uint64_t affordable = left <= 0 ? 0
                          : uint64_t(left) >= UINT64_MAX / fuel::kIoRate.per
                              ? UINT64_MAX
                              : uint64_t(left) * fuel::kIoRate.per / fuel::kIoRate.units;
    if (affordable < total) {
      if (affordable == 0) {
        c.trap = Trap{TrapKind::OutOfFuel, {}, 0};
        interp::chargeFuel(fuel::cost(total, fuel::kIoRate));  // fails: the fuel becomes 0
        return kIoTrapped;
      }
      uint64_t keep = affordable;
      size_t n = 0;
      for (; n < iov.size() && keep; ++n) {
        if (iov[n].iov_len > keep) iov[n].iov_len = keep;
        keep -= iov[n].iov_len;
      }
      iov.resize(n);
      total = affordable;
    }
  }
  uint64_t charged = fuel::cost(total, fuel::kIoRate);
  if (!interp::chargeFuel(charged)) {
    c.trap = Trap{TrapKind::OutOfFuel, {}, 0};
    return kIoTrapped;
  }
  long n;
  if (!blocks || total <= fuel::kChunkBytes || !interp::hostCallerMetered()) {
    n = io(iov.data(), int(iov.size()), 0);
  } else {
    std::vector<iovec> piece;
    size_t i = 0, skip = 0;  // the next byte: iov[i] + skip
    uint64_t done = 0;
    n = 0;
    while (i < iov.size()) {
      if (fuel::takeInterrupt(*interp::interruptFlag())) {
        interp::refundFuel(charged - fuel::cost(done, fuel::kIoRate));
        c.trap = Trap{TrapKind::Interrupted, {}, 0};
        return kIoTrapped;
      }
      piece.clear();
      uint64_t want = 0;
      while (i < iov.size() && want < fuel::kChunkBytes) {
        size_t take = std::min<uint64_t>(iov[i].iov_len - skip, fuel::kChunkBytes - want);
        piece.push_back({static_cast<char*>(iov[i].iov_base) + skip, take});
        want += take;
        skip += take;
        if (skip == iov[i].iov_len) ++i, skip = 0;
      }
      long r = io(piece.data(), int(piece.size()), done);
      if (r < 0) {
        n = done ? long(done) : r;
        break;
      }
      done += uint64_t(r);
      n = long(done);
      if (uint64_t(r) < want) break;
    }
  }
  interp::refundFuel(charged - fuel::cost(n < 0 ? 0 : uint64_t(n), fuel::kIoRate));
  return n;
}

}  // namespace wharf::wasi
