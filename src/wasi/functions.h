// The implementation of each WASI function (declared from functions.def).
// Each returns a WASI errno, or kRaiseTrap after setting Impl::trap.
#pragma once

#include "runtime/value.h"
#include "wasi/context.h"

namespace wharf::wasi::fn {

#define WASI_FUNCTION(name, params, results) uint32_t name(Context::Impl& c, const Value* a);
#include "wasi/functions.def"
#undef WASI_FUNCTION

}  // namespace wharf::wasi::fn
