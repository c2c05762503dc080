// Turns hardware faults in guard regions into traps. Execution tiers run
// guest code inside runGuarded(); a SIGSEGV/SIGBUS whose address lies in a
// registered memory reservation jumps back out with OutOfBoundsMemory. A fault
// anywhere else is a real host bug and is re-raised with the default action.
#pragma once

#include <csetjmp>
#include <cstdint>

#include "runtime/trap.h"

namespace wharf {

void registerReservation(uint8_t* base, uint64_t size);
void unregisterReservation(uint8_t* base);

struct GuardedActivation {
  sigjmp_buf jmp;
  GuardedActivation* previous;
};

GuardedActivation*& currentActivation();
void installSignalHandlers();  // idempotent; called lazily by the first memory

// Runs `fn` and returns TrapKind::None, or OutOfBoundsMemory if it faulted in
// a guard region. `fn` must not own objects with destructors across the call
// to guest code (they are skipped by the jump).
template <typename Fn>
TrapKind runGuarded(Fn&& fn) {
  GuardedActivation act;
  act.previous = currentActivation();
  if (sigsetjmp(act.jmp, 1) != 0) {
    currentActivation() = act.previous;
    return TrapKind::OutOfBoundsMemory;
  }
  currentActivation() = &act;
  fn();
  currentActivation() = act.previous;
  return TrapKind::None;
}

}  // namespace wharf
