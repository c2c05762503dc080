// Stopping a long load: module decoding, validation and compilation poll a
// LoadInterrupt every so often and fail with kLoadInterruptedMessage once it
// is requested. An embedder sets a deadline, or a flag from another thread
// (a watchdog, a cancelled request), or both.
#pragma once

#include <atomic>
#include <chrono>

namespace wharf {

inline constexpr const char* kLoadInterruptedMessage = "module took too long to compile";

struct LoadInterrupt {
  using Clock = std::chrono::steady_clock;
  const std::atomic<bool>* flag = nullptr;
  Clock::time_point deadline = Clock::time_point::max();

  bool requested() const {
    if (flag && flag->load(std::memory_order_relaxed)) return true;
    return deadline != Clock::time_point::max() && Clock::now() >= deadline;
  }
};

}  // namespace wharf
