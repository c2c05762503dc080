// Handler replicas. Every handler ends in one indirect jump, shared by all
// the places in the code where that handler runs. When a handler occurs
// several times in a hot loop, the jump's target depends on the place, and
// the branch predictor often gets it wrong (on the development machine, a
// loop of four identical handlers ran 3x slower than one of four distinct
// ones). A replica is a copy of a handler with its own jump; the compiler
// gives successive occurrences of a handler successive replicas.
#pragma once

#include "interp/code.h"

namespace wharf::interp {

constexpr unsigned kReplicas = 3;  // copies besides the handler itself

// The replicas of `h`, kReplicas of them, or null if it has none (SIMD,
// calls and other handlers that are rarely hot in a loop).
const Handler* handlerReplicas(Handler h);

}  // namespace wharf::interp
