// Variants of a handler that the compiler substitutes after a function is
// compiled, with the instruction's length and meaning unchanged.
//
// Immediate forms: a handler whose integer operand is a constant slot reads
// that operand as the value itself (handlers are bound by load throughput;
// this saves a load per constant).
//
// Replicas: every handler ends in one indirect jump, shared by all the
// places in the code where that handler runs. When loops share a handler,
// the jump's target depends on the loop and the branch predictor often gets
// it wrong (on the development machine a loop of four identical handlers ran
// 3x slower than one of four distinct ones). A replica is a copy of a
// handler with its own jump.
#pragma once

#include "interp/code.h"

namespace wharf::interp {

struct ImmediateForms {
  // forms[mask]: the handler with the operands selected by `mask` (bit b:
  // operand pos[b]) as immediates, or null; forms[0] is the handler itself.
  const Handler* forms = nullptr;
  unsigned n = 0;  // operands that may be immediates (0 if none)
  uint8_t pos[2] = {};
  bool wide[2] = {};  // the operand is an i64 (immediates are sign-extended)
};
ImmediateForms immediateForms(Handler h);

constexpr unsigned kReplicas = 3;  // copies besides the handler itself

// The replicas of `h`, kReplicas of them, or null if it has none (SIMD,
// calls and other handlers that are rarely hot in a loop).
const Handler* handlerReplicas(Handler h);

}  // namespace wharf::interp
