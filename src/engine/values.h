// Printing runtime values for people: the `wharf run` output and diagnostics.
#pragma once

#include <string>

#include "runtime/value.h"

namespace wharf {

// The value alone: integers in signed decimal; floats in the shortest
// decimal form that reads back to the same bits ("1.5", "1e+30"), or
// "inf"/"-inf", "nan"/"-nan" for the canonical NaNs and "nan:0x..." with the
// payload for others; v128 as four i32 lanes "0x00000001 0x..." (lane 0
// first); references as "null", "funcref" or "externref".
std::string formatValue(const TypedValue& v);

// The value with its type, for diagnostics: "i32:42", "f32:nan:0x200000".
std::string formatTypedValue(const TypedValue& v);

}  // namespace wharf
