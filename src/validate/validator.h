// Module validation (WebAssembly 2.0): type-checks every function body and
// constant expression and checks the module-level rules (index spaces,
// limits, exports, start, segments). Errors use the spec testsuite's wording
// ("type mismatch", "unknown local 3", ...) with the byte offset of the
// offending instruction, or of the section holding the offending entry when
// the module IR keeps no finer position.
//
// Validation never mutates the Module; what later stages need to know is
// returned in ValidatedInfo.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "binary/decoder.h"
#include "binary/module.h"
#include "common/expected.h"
#include "common/interrupt.h"
#include "common/types.h"

namespace wharf {

// Facts about one defined function, for the code generator's frame layout.
struct FunctionValidationInfo {
  // Maximum operand-stack height reached anywhere in the body, excluding
  // parameters and locals. Unreachable code counts too (with unknown-typed
  // values taken as 2 slots), so both are safe upper bounds.
  uint32_t maxStackValues = 0;
  uint32_t maxStackSlots = 0;  // the same in 8-byte slots (v128 = 2)
  // Maximum nesting of blocks/loops/ifs, counting the function body itself.
  uint32_t maxControlDepth = 0;
};

struct ValidatedInfo {
  // Parallel to Module::functions (defined functions only).
  std::vector<FunctionValidationInfo> functions;

  // C.refs: the functions that `ref.func` may name inside function bodies
  // (those referenced by element segments, global initializers, other
  // constant expressions or exports), indexed by function index.
  std::vector<bool> declaredFuncRefs;

  bool isDeclaredFuncRef(uint32_t funcIndex) const {
    return funcIndex < declaredFuncRefs.size() && declaredFuncRefs[funcIndex];
  }
};

// Value-type matching: is a value of type `a` acceptable where `b` is
// expected? WebAssembly 2.0 has no subtyping, so this is equality; it is the
// single place Wasm 3.0 reference subtyping would hook in. Neither argument
// may be ValType::bottom() (the validator handles unknown operands itself).
bool isSubtype(ValType a, ValType b);

// Validates a decoded module. The module must come from the decoder (byte
// ranges in bounds, structure of sections already checked).
// `interrupt` (if given) is polled between function bodies; once requested,
// validation fails with kLoadInterruptedMessage.
Expected<ValidatedInfo> validateModule(const Module& module, const LoadInterrupt* interrupt = nullptr);

struct ValidatedModule {
  std::shared_ptr<const Module> module;
  ValidatedInfo info;
};

// decodeModule followed by validateModule, with the same result and errors,
// but reading every function body once: the decoder leaves the bodies to the
// validator, which checks their encoding as it types them, and only if
// something is wrong are they walked again to put a malformed body's error
// before any validation error.
Expected<ValidatedModule> decodeAndValidate(std::vector<uint8_t> bytes,
                                            const LoadInterrupt* interrupt = nullptr);

}  // namespace wharf
