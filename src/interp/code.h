// Threaded code: the interpreter's executable form of a function.
//
// Design (see docs/architecture.md): validation-checked Wasm is compiled once
// per module into a register-style code where every operand names a slot of
// the function's frame: [params | locals | operand-stack temps | constants].
// `local.get`, constants and most `local.set`s vanish at compile time because
// instructions read locals and constants in place and write straight into
// locals. Each instruction is a handler pointer followed by packed 32-bit
// operands; handlers are separate functions that tail-call the next one
// (clang's musttail) under the preserve_none convention, so dispatch is one
// indirect jump and the hot state (ip, fp, memory base) stays in registers.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "runtime/instance.h"

namespace wharf::interp {

using Slot = uint64_t;
union Word;
struct ExecState;

#define WHARF_PRESERVE_NONE __attribute__((preserve_none))
using Handler = void(WHARF_PRESERVE_NONE*)(const Word* ip, Slot* fp, uint8_t* mem, ExecState* st);

union Word {
  Handler h;
  const void* ptr;
  uint64_t u64;
  uint32_t u32[2];
  int32_t i32[2];
};
static_assert(sizeof(Word) == 8);

struct CompiledFunc {
  const Word* code = nullptr;
  uint32_t numParamSlots = 0;
  uint32_t numLocalSlots = 0;  // declared locals, zeroed on entry
  uint32_t numResultSlots = 0;
  uint32_t constBase = 0;    // first constant slot
  uint32_t frameSlots = 0;   // everything, constants included
  std::vector<Slot> consts;  // copied into the frame on entry
  uint32_t funcIndex = 0;
  bool metered = false;  // compiled with fuel/interrupt checks (host calls from it pay fuel too)
};

struct CompiledModule {
  std::vector<CompiledFunc> funcs;            // defined functions
  std::vector<std::vector<Word>> codeChunks;  // owns the code of all functions
  std::vector<uint32_t> typeIds;              // canonical id per type index
};

// One activation record on the call stack kept beside the value stack (the
// native stack does not grow with guest recursion).
struct Frame {
  const Word* retIp;  // the caller's state, restored on return
  Slot* fp;
  Instance* instance;
  uint8_t* mem;
  // The function this activation runs: trap backtraces read it, since the
  // faulting instruction of a guard-page trap is not known.
  const CompiledFunc* callee;
};

struct ExecState {
  Instance* instance = nullptr;  // instance of the running function
  // Calls check the current limits; crossing one calls growStacks(), which
  // raises it towards the end (the reservation, or the call-depth limit),
  // charging the running store's budget (exec.cpp).
  Frame* frames = nullptr;
  Frame* frameTop = nullptr;  // next free frame
  Frame* frameLimit = nullptr;
  Frame* frameEnd = nullptr;
  Slot* stack = nullptr;
  Slot* stackLimit = nullptr;
  Slot* stackEnd = nullptr;
  ResourceBudget* stackBudget = nullptr;  // charged for the limits above the free first chunks
  uint64_t stackCharged = 0;              // bytes charged to it by this account
  Slot* sp = nullptr;                     // first free slot for a new (re-entrant) activation
  TrapKind trap = TrapKind::None;
  Trap hostTrap;  // details when trap == Host / Exit
  const Word* trapIp = nullptr;
  uint32_t entryDepth = 0;  // nested interp::call activations (host re-entry)
  int64_t fuel = INT64_MAX;
  std::atomic<bool> interrupt{false};
};

// Zeroes the declared locals and loads the constants of a new activation
// whose arguments are already in place at nfp[0..].
inline void enterFrame(const CompiledFunc* f, Slot* nfp) {
  std::memset(nfp + f->numParamSlots, 0, f->numLocalSlots * sizeof(Slot));
  if (!f->consts.empty()) std::memcpy(nfp + f->constBase, f->consts.data(), f->consts.size() * sizeof(Slot));
}

// The thread's execution state (stacks reserved lazily on first use).
ExecState& threadState();

// A call found frameTop at frameLimit or its frame above stackLimit: raises
// that limit by a chunk. False when it is at its end or the budget refuses.
[[gnu::cold]] bool growStacks(ExecState* st);

}  // namespace wharf::interp
