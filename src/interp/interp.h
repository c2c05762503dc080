// The interpreter tier. A validated module is compiled once into threaded
// code (shared read-only by all its instances); execution runs that code
// with guaranteed tail calls between instruction handlers.
#pragma once

#include <memory>
#include <span>

#include "binary/module.h"
#include "common/expected.h"
#include "runtime/instance.h"

namespace wharf::interp {

struct CompiledModule;

// Compiles every defined function of an already validated module.
Expected<std::shared_ptr<const CompiledModule>> compileModule(const Module& module);

// The code pointer to store in FuncInst::code for defined function `definedIndex`.
const void* functionCode(const CompiledModule& cm, uint32_t definedIndex);

// Calls `f` (a wasm or host function). `args` and `results` follow f's type.
// Returns a Trap whose kind is None on success. Re-entrant: host functions
// may call back into wasm.
Trap call(FuncInst* f, std::span<const Value> args, std::span<Value> results);

}  // namespace wharf::interp
