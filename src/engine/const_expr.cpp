#include "engine/const_expr.h"

#include <vector>

#include "binary/instr_reader.h"

namespace wharf {

Expected<Value> evalConstExpr(const ConstExprContext& ctx, ConstExpr expr) {
  InstrReader reader(ctx.module.bytes, expr.offset, expr.offset + expr.size);
  // Constant expressions are tiny; a small vector is the whole machine.
  std::vector<Value> stack;
  auto pop = [&stack] {
    Value v = stack.back();
    stack.pop_back();
    return v;
  };
  auto binary32 = [&](auto op) {
    if (stack.size() < 2) return false;
    uint32_t b = pop().i32, a = pop().i32;
    stack.push_back(Value::fromI32(op(a, b)));
    return true;
  };
  auto binary64 = [&](auto op) {
    if (stack.size() < 2) return false;
    uint64_t b = pop().i64, a = pop().i64;
    stack.push_back(Value::fromI64(op(a, b)));
    return true;
  };
  // Unsigned arithmetic: wrap-around is the wasm semantics and is defined in C++.
  auto add = [](auto a, auto b) { return a + b; };
  auto sub = [](auto a, auto b) { return a - b; };
  auto mul = [](auto a, auto b) { return a * b; };

  while (!reader.atEnd()) {
    WHARF_TRY(in, reader.next());
    bool ok = true;
    switch (in.op) {
      case Opcode::I32Const: stack.push_back(Value::fromI32(static_cast<uint32_t>(in.i32))); break;
      case Opcode::I64Const: stack.push_back(Value::fromI64(static_cast<uint64_t>(in.i64))); break;
      case Opcode::F32Const: stack.push_back(Value::fromF32Bits(in.f32bits)); break;
      case Opcode::F64Const: stack.push_back(Value::fromF64Bits(in.f64bits)); break;
      case Opcode::V128Const: stack.push_back(Value::fromV128(in.v128)); break;
      case Opcode::RefNull: stack.push_back(Value::fromRef(nullptr)); break;
      case Opcode::RefFunc:
        if (in.index >= ctx.funcs.size()) return makeError("unknown function", in.offset);
        stack.push_back(Value::fromRef(ctx.funcs[in.index]));
        break;
      case Opcode::GlobalGet:
        if (in.index >= ctx.globals.size() || !ctx.globals[in.index])
          return makeError("unknown global", in.offset);
        stack.push_back(ctx.globals[in.index]->value);
        break;
      case Opcode::I32Add: ok = binary32(add); break;
      case Opcode::I32Sub: ok = binary32(sub); break;
      case Opcode::I32Mul: ok = binary32(mul); break;
      case Opcode::I64Add: ok = binary64(add); break;
      case Opcode::I64Sub: ok = binary64(sub); break;
      case Opcode::I64Mul: ok = binary64(mul); break;
      case Opcode::End:
        if (stack.size() != 1) return makeError("type mismatch", in.offset);
        return stack.back();
      default: return makeError("constant expression required", in.offset);
    }
    if (!ok) return makeError("type mismatch", in.offset);
  }
  return makeError("unexpected end", expr.offset + expr.size);
}

}  // namespace wharf
