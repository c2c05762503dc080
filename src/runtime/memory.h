// Linear memory. A 32-bit memory reserves its whole addressable range
// (4 GiB of addresses + a 4 GiB offset + guard) up front as inaccessible
// virtual memory, and only the current size is readable/writable. Any
// address `base + u32 addr + u32 offset` therefore lands inside the
// reservation, so compiled code and the interpreter skip bounds checks and an
// out-of-bounds access faults into the guard region, where the signal
// handler (runtime/signals.h) turns it into a trap. The base never moves on
// grow, so code may cache it.
#pragma once

#include <cstdint>
#include <optional>

#include "common/types.h"

namespace wharf {

// A byte budget: the embedder's limit on one store (`wharf run
// --max-memory`), shared by its memories (committed pages), its tables
// (allocated capacity) and the interpreter stacks its code touches beyond a
// fixed first chunk (interp/exec.cpp). Growing past it fails the way growing
// past a declared maximum does (memory.grow and table.grow return -1, a call
// traps). A limit of 0 is a real zero, not "unlimited". A store is used by
// one thread at a time, so plain counters suffice.
class ResourceBudget {
 public:
  explicit ResourceBudget(uint64_t limitBytes) : limit_(limitBytes) {}
  bool charge(uint64_t bytes) {
    if (bytes > limit_ - used_) {
      ++refusals_;
      return false;
    }
    used_ += bytes;
    return true;
  }
  uint64_t available() const { return limit_ - used_; }
  void release(uint64_t bytes) { used_ -= bytes < used_ ? bytes : used_; }
  uint64_t limit() const { return limit_; }
  uint64_t used() const { return used_; }
  // How many times growing was refused: an embedder can then explain a
  // guest that failed for want of memory.
  uint64_t refusals() const { return refusals_; }

 private:
  uint64_t limit_;
  uint64_t used_ = 0;
  uint64_t refusals_ = 0;
};

class LinearMemory {
 public:
  // Bytes of address space reserved for every 32-bit memory: addr + offset
  // (each < 2^32) + the widest access (16 bytes), rounded up.
  static constexpr uint64_t kReservation = (uint64_t{8} << 30) + (uint64_t{64} << 10);

  static std::optional<LinearMemory*> create(
      const MemoryType& type, ResourceBudget* budget = nullptr);  // nullptr-free: nullopt on failure
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  uint8_t* base() const { return base_; }
  uint64_t sizeBytes() const { return sizeBytes_; }
  uint64_t sizePages() const { return sizeBytes_ / kPageSize; }
  const MemoryType& type() const { return type_; }
  // The largest size in pages this memory may reach (its max, the index-type
  // limit, and the embedder's resource limit).
  uint64_t maxPages() const { return maxPages_; }
  void setLimitPages(uint64_t pages) { maxPages_ = pages < maxPages_ ? pages : maxPages_; }

  // Grows by `delta` pages; returns the old size in pages or -1 on failure.
  int64_t grow(uint64_t delta);

  // Bounds-checked access for host code and bulk operations.
  bool inBounds(uint64_t addr, uint64_t len) const { return addr <= sizeBytes_ && len <= sizeBytes_ - addr; }

 private:
  LinearMemory() = default;
  uint8_t* base_ = nullptr;
  uint64_t sizeBytes_ = 0;
  uint64_t reserved_ = 0;
  uint64_t maxPages_ = 0;
  MemoryType type_;
  ResourceBudget* budget_ = nullptr;  // charged for every committed byte
};

}  // namespace wharf
