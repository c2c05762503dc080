// Handlers for every "simple" opcode (known signature, one result, no memory
// access, no immediate other than a lane index or shuffle mask), generated
// from opcodes.def: each calls the same-named function in wharf::sem.
#pragma once

#include <utility>

#include "common/opcodes.h"
#include "interp/handlers.h"

namespace wharf {
// A fallback overload for every opcode name, chosen only when wharf::sem has
// no function of that name (then the static_assert below names the opcode).
namespace semfallback {
struct NotSemantic {};
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  template <typename... A>                                           \
  NotSemantic name(A&&...);
#include "common/opcodes.def"
#undef WHARF_OP
}  // namespace semfallback

namespace semdispatch {
using namespace wharf::sem;
using namespace wharf::semfallback;
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags)      \
  struct name##Fn {                                                       \
    template <typename... A>                                              \
    static auto call(A&&... a) -> decltype(name(std::forward<A>(a)...)) { \
      return name(std::forward<A>(a)...);                                 \
    }                                                                     \
  };
#include "common/opcodes.def"
#undef WHARF_OP
}  // namespace semdispatch
}  // namespace wharf

namespace wharf::interp {

constexpr bool isSimpleOp(Opcode op) {
  const OpInfo& info = opInfo(op);
  return info.sig.known && info.sig.numResults == 1 && !(info.flags & kConst) &&
         (info.imm == ImmKind::None || info.imm == ImmKind::Lane || info.imm == ImmKind::Shuffle);
}

inline TrapKind trapKindOf(sem::TrapCode c) {
  switch (c) {
    case sem::TrapCode::IntegerDivideByZero: return TrapKind::IntegerDivideByZero;
    case sem::TrapCode::IntegerOverflow: return TrapKind::IntegerOverflow;
    case sem::TrapCode::InvalidConversion: return TrapKind::InvalidConversion;
    case sem::TrapCode::None: break;
  }
  return TrapKind::None;
}

// Operands: dst, params..., then a lane index (Lane) or, after the operand
// words, the 16 shuffle lane bytes (Shuffle). Imm: the second param is an
// immediate (integer binary ops).
template <Opcode Op, typename Fn, unsigned Imm = 0>
HANDLER(opSimple) {
  constexpr OpInfo info = opInfo(Op);
  constexpr OpSignature sig = info.sig;
  using R = CType<sig.result>;
  constexpr unsigned np = sig.numParams;
  constexpr unsigned nOperands = 1 + np + (info.imm == ImmKind::Lane ? 1 : 0);
  constexpr unsigned len = WORDS(nOperands) + (info.imm == ImmKind::Shuffle ? 2 : 0);
  using A0 = CType<sig.params[0]>;
  A0 a0 = rd<A0>(fp, OPD(1));
  auto invoke = [&](auto&&... rest) -> decltype(auto) {
    if constexpr (info.imm == ImmKind::Lane) {
      return Fn::call(a0, rest..., OPD(1 + np));
    } else if constexpr (info.imm == ImmKind::Shuffle) {
      V128 lanes;
      std::memcpy(lanes.bytes.data(), ip + WORDS(nOperands), 16);
      return Fn::call(a0, rest..., static_cast<const V128&>(lanes));
    } else {
      return Fn::call(a0, rest...);
    }
  };
  auto withParams = [&](auto&& f) -> decltype(auto) {
    if constexpr (np == 1) {
      return f();
    } else if constexpr (np == 2) {
      return f(ARG(CType<sig.params[1]>, 2, Imm != 0));
    } else {
      return f(rd<CType<sig.params[1]>>(fp, OPD(2)), rd<CType<sig.params[2]>>(fp, OPD(3)));
    }
  };
  // The fallback overload accepts anything, so a trapping call form counts
  // only if it resolves to a real wharf::sem function.
  constexpr bool traps = [] {
    if constexpr (np == 1) {
      if constexpr (requires(A0 a, sem::TrapCode& t) { Fn::call(a, t); })
        return !std::is_same_v<decltype(Fn::call(std::declval<A0>(), std::declval<sem::TrapCode&>())),
                               semfallback::NotSemantic>;
      return false;
    } else if constexpr (np == 2) {
      using A1 = CType<sig.params[1]>;
      if constexpr (requires(A0 a, A1 b, sem::TrapCode& t) { Fn::call(a, b, t); })
        return !std::is_same_v<decltype(Fn::call(std::declval<A0>(), std::declval<A1>(),
                                                 std::declval<sem::TrapCode&>())),
                               semfallback::NotSemantic>;
      return false;
    } else {
      return false;
    }
  }();
  if constexpr (traps) {
    sem::TrapCode tc = sem::TrapCode::None;
    R r = withParams([&](auto&&... p) { return Fn::call(a0, p..., tc); });
    if (tc != sem::TrapCode::None) TRAP(trapKindOf(tc));
    wr<R>(fp, OPD(0), r);
  } else {
    using Result = decltype(withParams(invoke));
    static_assert(!std::is_same_v<Result, semfallback::NotSemantic>,
                  "wharf::sem lacks a function for this opcode");
    wr<R>(fp, OPD(0), static_cast<R>(withParams(invoke)));
  }
  NEXT(len);
}

template <Opcode Op, typename Fn>
constexpr Handler simpleHandlerFor() {
  if constexpr (isSimpleOp(Op)) {
    return &opSimple<Op, Fn>;
  } else {
    return nullptr;
  }
}

inline constexpr Handler kSimpleHandlers[] = {
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  simpleHandlerFor<Opcode::name, semdispatch::name##Fn>(),
#include "common/opcodes.def"
#undef WHARF_OP
};

// Binary ops whose second param is an integer can take it as an immediate.
constexpr bool hasImmediateForm(Opcode op) {
  const OpInfo& info = opInfo(op);
  return isSimpleOp(op) && info.imm == ImmKind::None && info.sig.numParams == 2 &&
         (info.sig.params[1] == ValType::I32 || info.sig.params[1] == ValType::I64);
}
template <Opcode Op, typename Fn>
constexpr Handler simpleImmHandlerFor() {
  if constexpr (hasImmediateForm(Op)) {
    return &opSimple<Op, Fn, 1>;
  } else {
    return nullptr;
  }
}
inline constexpr Handler kSimpleImmHandlers[] = {
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  simpleImmHandlerFor<Opcode::name, semdispatch::name##Fn>(),
#include "common/opcodes.def"
#undef WHARF_OP
};

}  // namespace wharf::interp
