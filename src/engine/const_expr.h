// Evaluation of constant expressions (global initialisers, segment offsets
// and element expressions) during instantiation.
#pragma once

#include <span>

#include "binary/module.h"
#include "common/expected.h"
#include "runtime/instance.h"

namespace wharf {

// What a constant expression may refer to: the globals and functions of the
// instance being built (global.get sees only those initialised so far).
struct ConstExprContext {
  const Module& module;
  std::span<GlobalInst* const> globals;
  std::span<FuncInst* const> funcs;
};

// Evaluates `expr` (validated: it leaves exactly one value). Supports the 2.0
// constant instructions plus the extended-const arithmetic of 3.0.
Expected<Value> evalConstExpr(const ConstExprContext& ctx, ConstExpr expr);

}  // namespace wharf
