#include "runtime/signals.h"

#include <signal.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace wharf {
namespace {

// Live reservations, scanned by the signal handler (async-signal-safe: only
// atomic loads). Zero-initialised storage, so no static-initialisation cost.
constexpr size_t kMaxReservations = 1 << 15;
std::atomic<uintptr_t> gBases[kMaxReservations];
std::atomic<uint64_t> gSizes[kMaxReservations];
std::mutex gRegistryMutex;

struct sigaction gPrevSegv, gPrevBus;

bool inReservation(uintptr_t addr) {
  for (size_t i = 0; i < kMaxReservations; ++i) {
    uintptr_t b = gBases[i].load(std::memory_order_acquire);
    if (b && addr >= b && addr - b < gSizes[i].load(std::memory_order_relaxed)) return true;
  }
  return false;
}

void handleFault(int sig, siginfo_t* info, void* ctx) {
  GuardedActivation* act = currentActivation();
  if (act && inReservation(reinterpret_cast<uintptr_t>(info->si_addr))) siglongjmp(act->jmp, 1);
  // Not ours: restore the previous disposition and let the fault recur.
  sigaction(sig, sig == SIGSEGV ? &gPrevSegv : &gPrevBus, nullptr);
}

}  // namespace

GuardedActivation*& currentActivation() {
  static thread_local GuardedActivation* current = nullptr;
  return current;
}

void registerReservation(uint8_t* base, uint64_t size) {
  std::lock_guard lock(gRegistryMutex);
  for (size_t i = 0; i < kMaxReservations; ++i) {
    if (gBases[i].load(std::memory_order_relaxed) == 0) {
      gSizes[i].store(size, std::memory_order_relaxed);
      gBases[i].store(reinterpret_cast<uintptr_t>(base), std::memory_order_release);
      return;
    }
  }
}

void unregisterReservation(uint8_t* base) {
  std::lock_guard lock(gRegistryMutex);
  for (size_t i = 0; i < kMaxReservations; ++i) {
    if (gBases[i].load(std::memory_order_relaxed) == reinterpret_cast<uintptr_t>(base)) {
      gBases[i].store(0, std::memory_order_release);
      return;
    }
  }
}

void installSignalHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    // An alternate stack so a fault is handled even when the native stack is exhausted.
    static thread_local char altStack[1 << 16];
    stack_t ss{};
    ss.ss_sp = altStack;
    ss.ss_size = sizeof altStack;
    sigaltstack(&ss, nullptr);
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handleFault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &gPrevSegv);
    sigaction(SIGBUS, &sa, &gPrevBus);
  });
}

}  // namespace wharf
