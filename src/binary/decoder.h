// Decodes a WebAssembly 2.0 binary into a Module. Everything the binary
// format defines as malformed is rejected here, including the structure of
// every function body and constant expression (read with InstrReader);
// typing rules are left to the validator. Error messages use the spec
// testsuite's wording and carry the absolute byte offset.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "binary/module.h"
#include "common/expected.h"
#include "common/interrupt.h"

namespace wharf {

// Implementation limit on a function's locals (parameters included), as in
// the JS API's limits; beyond it a module is rejected with "too many locals".
// The spec's own bound is 2^32 - 1 declared locals.
inline constexpr uint32_t kMaxFunctionLocals = 50000;
// The same for a function type's parameters and results ("too many
// parameters", "too many results"). Besides the JS API, these bound the work
// of one block, call or branch instruction, which may pass that many values.
inline constexpr uint32_t kMaxFunctionParams = 1000;
inline constexpr uint32_t kMaxFunctionResults = 1000;

struct DecodeOptions {
  // Check the instructions of every function body. Without it each body is
  // taken to end where its code entry does and only whatever the reader of
  // the bodies checks is checked: a caller must read every body with full
  // checks and, if anything is wrong, ask checkFunctionBodies() for the error
  // decodeModule would have reported (decodeAndValidate does). Errors that
  // are reported come out exactly as with the walk.
  bool walkBodies = true;
  // Polled between sections and function bodies (see common/interrupt.h).
  const LoadInterrupt* interrupt = nullptr;
};

// The returned Module owns `bytes`.
Expected<std::shared_ptr<const Module>> decodeModule(std::vector<uint8_t> bytes,
                                                     const DecodeOptions& options = {});

// For a module decoded without walkBodies: the error decodeModule would have
// reported for its function bodies, if any.
std::optional<Error> checkFunctionBodies(const Module& module);

// True if [data, data + size) is well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool isValidUtf8(const uint8_t* data, size_t size);

}  // namespace wharf
