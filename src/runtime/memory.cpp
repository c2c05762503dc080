#include "runtime/memory.h"

#include <sys/mman.h>

#include "runtime/signals.h"

namespace wharf {

std::optional<LinearMemory*> LinearMemory::create(const MemoryType& type, ResourceBudget* budget) {
  installSignalHandlers();
  auto* m = new LinearMemory();
  m->type_ = type;
  m->budget_ = budget;
  m->maxPages_ = type.limits.max.value_or(kMaxPages32);
  if (m->maxPages_ > kMaxPages32) m->maxPages_ = kMaxPages32;
  m->reserved_ = kReservation;
  void* p = mmap(nullptr, m->reserved_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    delete m;
    return std::nullopt;
  }
  m->base_ = static_cast<uint8_t*>(p);
  registerReservation(m->base_, m->reserved_);
  if (type.limits.min > 0 && m->grow(type.limits.min) < 0) {
    delete m;
    return std::nullopt;
  }
  return m;
}

LinearMemory::~LinearMemory() {
  if (budget_) budget_->release(sizeBytes_);
  if (base_) {
    unregisterReservation(base_);
    munmap(base_, reserved_);
  }
}

int64_t LinearMemory::grow(uint64_t delta) {
  uint64_t old = sizePages();
  if (delta == 0) return static_cast<int64_t>(old);
  if (delta > maxPages_ || old + delta > maxPages_) return -1;
  uint64_t newBytes = (old + delta) * kPageSize;
  if (budget_ && !budget_->charge(newBytes - sizeBytes_)) return -1;
  if (mprotect(base_ + sizeBytes_, newBytes - sizeBytes_, PROT_READ | PROT_WRITE) != 0) {
    if (budget_) budget_->release(newBytes - sizeBytes_);
    return -1;
  }
  sizeBytes_ = newBytes;
  return static_cast<int64_t>(old);
}

}  // namespace wharf
