// The `spectest` host module that spec test scripts import from.
#pragma once

#include <ostream>
#include <string>
#include <unordered_map>

#include "runtime/instance.h"

namespace wharf::wast {

using ExportMap = std::unordered_map<std::string, Extern>;

// Creates the spectest objects in `store`: globals global_i32/global_i64
// (666) and global_f32/global_f64 (666.6), `table` (10..20 funcref),
// `memory` (1..2 pages) and the print functions. The print functions write
// their arguments to `printTo`, or nowhere when it is null; no test checks
// that output.
ExportMap makeSpectest(Store& store, std::ostream* printTo);

}  // namespace wharf::wast
