// Spreads independent per-item work (function bodies) over a second thread
// while keeping the outcome deterministic: the failure reported is always the
// one with the smallest index, exactly what a sequential loop would stop at.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>

namespace wharf {

// Worker threads for module-sized jobs (the caller's thread included).
inline constexpr unsigned kMaxWorkers = 2;

// Below this much work (in bytes of function bodies) a second thread costs
// more than it saves.
inline constexpr size_t kParallelMinBytes = size_t{1} << 20;

inline unsigned workersFor(size_t bytes) {
  if (bytes < kParallelMinBytes) return 1;
  return std::thread::hardware_concurrency() >= 2 ? kMaxWorkers : 1;
}

struct FirstFailure {
  size_t index;     // smallest failing index, or n when everything succeeded
  unsigned worker;  // the worker that saw it
};

// Calls work(worker, i) for every i in [0, n), with worker < workers, and
// returns the smallest i for which it returned false. Items are handed out in
// chunks in increasing order, so each worker sees its items in order, and
// items after a known failure may be skipped. Worker 0 is the calling thread;
// if no thread can be started it does everything.
template <typename Work>
FirstFailure forEachUntilFailure(size_t n, unsigned workers, size_t chunk, Work&& work) {
  workers = std::clamp(workers, 1u, kMaxWorkers);
  std::atomic<size_t> next{0};
  std::atomic<size_t> firstBad{n};
  size_t bad[kMaxWorkers];
  auto run = [&](unsigned w) {
    bad[w] = n;
    for (;;) {
      size_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
      // Chunks are claimed in order, so every item before the smallest
      // failure has been claimed by a worker that will finish it.
      if (begin >= n || begin > firstBad.load(std::memory_order_relaxed)) return;
      size_t end = std::min(n, begin + chunk);
      for (size_t i = begin; i < end; ++i) {
        if (!work(w, i)) {
          bad[w] = i;
          size_t seen = firstBad.load(std::memory_order_relaxed);
          while (i < seen && !firstBad.compare_exchange_weak(seen, i, std::memory_order_relaxed)) {
          }
          return;
        }
      }
    }
  };
  std::thread helper;
  unsigned started = 1;
  if (workers > 1) {
    try {
      helper = std::thread(run, 1u);
      started = 2;
    } catch (const std::system_error&) {
      // No thread available: the caller's thread does all the work.
    }
  }
  run(0);
  if (helper.joinable()) helper.join();
  FirstFailure result{n, 0};
  for (unsigned w = 0; w < started; ++w)
    if (bad[w] < result.index) result = {bad[w], w};
  return result;
}

}  // namespace wharf
