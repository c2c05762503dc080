// What fuel costs: metered code pays one unit per instruction, and the
// operations whose work grows with a length (bulk memory and table
// instructions, WASI random_get and the read/write calls) pay for that length
// too, before doing any of it. Every tier charges through these functions, so
// a guest's fuel use does not depend on the tier or its options. The rates
// keep fuel roughly proportional to host time (docs/wasi.md, "Resource
// limits", has the measurements).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace wharf::fuel {

// A rate: `units` of fuel per `per` bytes or elements; a charge is rounded up.
struct Rate {
  uint64_t units, per;
};
constexpr Rate kMemoryRate{1, 4};  // memory.fill, memory.copy, memory.init: per byte
constexpr Rate kTableRate{1, 1};   // table.fill, table.copy, table.init: per element
constexpr Rate kRandomRate{8, 1};  // random_get: per byte
constexpr Rate kIoRate{1, 4};      // fd_read/write, fd_pread/pwrite, sock_recv/send: per byte

constexpr uint64_t cost(uint64_t amount, Rate r) {
  if (amount > UINT64_MAX / r.units) return UINT64_MAX;
  uint64_t x = amount * r.units;
  return x / r.per + (x % r.per != 0);
}

// Takes `units` from `fuel`. When there is not enough, the fuel becomes 0 and
// the caller traps "all fuel consumed" without doing the work.
inline bool charge(int64_t& fuel, uint64_t units) {
  if (fuel < 0 || units > uint64_t(fuel)) {
    fuel = 0;
    return false;
  }
  fuel -= int64_t(units);
  return true;
}

// Metered bulk work runs in pieces of this size, with a look at the interrupt
// flag before each, so a --timeout stops even a 4 GiB memory.fill (seconds
// where page faults are slow) promptly.
constexpr uint64_t kChunkBytes = uint64_t{1} << 20;

// True, clearing the request, if an interrupt was asked for.
inline bool takeInterrupt(std::atomic<bool>& flag) {
  if (!flag.load(std::memory_order_relaxed)) [[likely]]
    return false;
  flag.store(false, std::memory_order_relaxed);
  return true;
}

// Calls work(offset, count) over [0, n) in pieces of at most `chunk`, the
// last piece first when `backward` (a copy to a higher overlapping address).
// Returns false, having stopped between pieces, if interrupted.
template <typename F>
bool inChunks(std::atomic<bool>& interrupt, uint64_t n, uint64_t chunk, bool backward, F&& work) {
  for (uint64_t done = 0; done < n;) {
    if (takeInterrupt(interrupt)) return false;
    uint64_t k = std::min(chunk, n - done);
    work(backward ? n - done - k : done, k);
    done += k;
  }
  return true;
}

}  // namespace wharf::fuel
