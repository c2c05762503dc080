// The interpreter tier. A validated module is compiled once into threaded
// code (shared read-only by all its instances); execution runs that code
// with guaranteed tail calls between instruction handlers.
#pragma once

#include <atomic>
#include <memory>
#include <span>

#include "binary/module.h"
#include "common/expected.h"
#include "common/interrupt.h"
#include "runtime/instance.h"

namespace wharf::interp {

struct CompiledModule;

struct CompileOptions {
  // Emit fuel/interrupt checks at function entries and loop headers. Off by
  // default so unlimited runs pay nothing for limits they do not use.
  bool meter = false;
  // Off: one handler per instruction, the reference the differential fuzzer compares against.
  bool fuse = true;
  // Loading (decoding and validating too, through engine::loadModule) stops
  // with kLoadInterruptedMessage once this is requested: polled per function
  // and every few thousand instructions, on every compiling thread.
  LoadInterrupt interrupt;
};

// Compiles every defined function of an already validated module.
Expected<std::shared_ptr<const CompiledModule>> compileModule(const Module& module,
                                                              const CompileOptions& options = {});

// Fuel of the calling thread, consumed by metered code: each check charges
// the number of instructions up to the next check. Running out traps with
// "all fuel consumed". Unmetered code ignores it.
void setFuel(int64_t fuel);
int64_t fuelLeft();
// For host functions whose work grows with a length (WASI random_get,
// fd_read, ...; rates in runtime/fuel.h): takes `units` of the thread's fuel
// when the calling wasm function is metered. False, the fuel then being 0,
// when there is not enough: the host function should trap "all fuel
// consumed" without doing the work. refundFuel gives back what a charge
// paid for but did not use (a short read).
bool chargeFuel(uint64_t units);
void refundFuel(uint64_t units);
// Whether the wasm function calling the running host function is metered
// (then a --timeout may be running: long host work should look at
// interruptFlag() now and then).
bool hostCallerMetered();
// Asks metered code running on the thread that owns `flag` to trap with
// "interrupted" at its next check (callable from any thread or a signal).
std::atomic<bool>* interruptFlag();
// Limits the calling thread's guest call depth (beyond it, calls trap with
// "call stack exhausted"); at most the built-in 200000 frames.
void setMaxCallDepth(uint32_t depth);

// The code pointer to store in FuncInst::code for defined function `definedIndex`.
const void* functionCode(const CompiledModule& cm, uint32_t definedIndex);

// Calls `f` (a wasm or host function). `args` and `results` follow f's type.
// Returns a Trap whose kind is None on success. Re-entrant: host functions
// may call back into wasm.
Trap call(FuncInst* f, std::span<const Value> args, std::span<Value> results);

}  // namespace wharf::interp
