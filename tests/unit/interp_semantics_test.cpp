// Scalar numeric semantics (interp/semantics.h) and the compile-time check that
// every numeric/vector opcode has a sem:: function of the right signature.
#include <gtest/gtest.h>

#include <cmath>
#include <concepts>
#include <limits>
#include <random>

#include "common/opcodes.h"
#include "interp/semantics.h"

using namespace wharf;
using sem::TrapCode;

// ---- coverage ---------------------------------------------------------------------
namespace wharf::sem::coverage {

// The opcodes that must have a sem:: function: pure value -> value operations.
constexpr bool qualifies(Opcode op) {
  const OpInfo& i = opInfo(op);
  return i.sig.known && i.sig.numResults == 1 && !(i.flags & kConst) &&
         (i.imm == ImmKind::None || i.imm == ImmKind::Lane || i.imm == ImmKind::Shuffle);
}

template <ValType::Kind k>
struct CTypeOf;
template <>
struct CTypeOf<ValType::I32> {
  using type = uint32_t;
};
template <>
struct CTypeOf<ValType::I64> {
  using type = uint64_t;
};
template <>
struct CTypeOf<ValType::F32> {
  using type = float;
};
template <>
struct CTypeOf<ValType::F64> {
  using type = double;
};
template <>
struct CTypeOf<ValType::V128> {
  using type = V128;
};

// Converts only to exactly T, so a call compiles only if the parameter is T
// (or a reference to T), not some type T merely converts to.
template <class T>
struct Exact {
  template <class U>
    requires std::same_as<U, T>
  operator U() const {
    return U{};
  }
};

// For each opcode, a probe whose call is a dependent unqualified call: it is
// looked up (in wharf::sem, enclosing this namespace) only when instantiated,
// so opcodes without a function simply yield false instead of a hard error.
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  struct Probe_##name {                                              \
    template <class R, class... A>                                   \
    static constexpr bool call = requires(A... a) {                  \
      { name(a...) } -> std::same_as<R>;                             \
    };                                                               \
  };
#include "common/opcodes.def"
#undef WHARF_OP

template <class P, class R, class... A>
constexpr bool callable() {
  return P::template call<R, A...> || P::template call<R, A..., TrapCode&>;
}

template <Opcode op, class P>
constexpr bool covered() {
  if constexpr (!qualifies(op)) {
    return true;
  } else {
    constexpr OpSignature sig = opInfo(op).sig;
    constexpr ImmKind imm = opInfo(op).imm;
    using R = typename CTypeOf<sig.result>::type;
    using P0 = Exact<typename CTypeOf<sig.params[0]>::type>;
    if constexpr (imm == ImmKind::Shuffle) {
      return callable<P, R, P0, Exact<V128>, Exact<V128>>();
    } else if constexpr (sig.numParams == 1) {
      if constexpr (imm == ImmKind::Lane) return callable<P, R, P0, Exact<uint32_t>>();
      return callable<P, R, P0>();
    } else if constexpr (sig.numParams == 2) {
      using P1 = Exact<typename CTypeOf<sig.params[1]>::type>;
      if constexpr (imm == ImmKind::Lane) return callable<P, R, P0, P1, Exact<uint32_t>>();
      return callable<P, R, P0, P1>();
    } else {
      using P1 = Exact<typename CTypeOf<sig.params[1]>::type>;
      using P2 = Exact<typename CTypeOf<sig.params[2]>::type>;
      return callable<P, R, P0, P1, P2>();
    }
  }
}

#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  static_assert(covered<Opcode::name, Probe_##name>(), "missing or mistyped: wharf::sem::" #name);
#include "common/opcodes.def"
#undef WHARF_OP

// The probe must reject what is absent or mistyped, or the checks above prove nothing.
static_assert(!Probe_I32Load::call<uint32_t, Exact<uint32_t>>);
static_assert(!Probe_I32Add::call<uint32_t, Exact<uint64_t>, Exact<uint64_t>>);
static_assert(!Probe_I32Add::call<uint64_t, Exact<uint32_t>, Exact<uint32_t>>);
static_assert(Probe_I32Add::call<uint32_t, Exact<uint32_t>, Exact<uint32_t>>);
static_assert(Probe_I32DivS::call<uint32_t, Exact<uint32_t>, Exact<uint32_t>, TrapCode&>);

constexpr int countQualifying() {
  int n = 0;
  for (uint16_t i = 0; i < kNumOpcodes; ++i) n += qualifies(static_cast<Opcode>(i));
  return n;
}

}  // namespace wharf::sem::coverage

TEST(Semantics, CoversEveryNumericOpcode) {
  // 2.0: 123 MVP numeric ops + 5 sign-extension + 8 trunc_sat + 213 SIMD value ops.
  EXPECT_EQ(sem::coverage::countQualifying(), 349);
}

// ---- helpers ----------------------------------------------------------------------
namespace {

uint32_t fb(float x) { return std::bit_cast<uint32_t>(x); }
uint64_t db(double x) { return std::bit_cast<uint64_t>(x); }
float f32(uint32_t b) { return std::bit_cast<float>(b); }
double f64(uint64_t b) { return std::bit_cast<double>(b); }

bool isCanonical(float x) { return (fb(x) & 0x7fff'ffffu) == 0x7fc0'0000u; }
bool isCanonical(double x) { return (db(x) & 0x7fff'ffff'ffff'ffffu) == 0x7ff8'0000'0000'0000u; }
bool isArithmetic(float x) { return std::isnan(x) && (fb(x) & 0x0040'0000u); }
bool isArithmetic(double x) { return std::isnan(x) && (db(x) & 0x0008'0000'0000'0000u); }

constexpr uint32_t kSNaN32 = 0x7fa0'0001u;  // signaling, payload 0x200001
constexpr uint64_t kSNaN64 = 0x7ff4'0000'0000'0001u;
constexpr uint32_t kNegArithNaN32 = 0xffe0'0001u;  // quiet, non-canonical payload

template <class F>
std::vector<F> interestingFloats() {
  using L = std::numeric_limits<F>;
  std::vector<F> v = {F(0),
                      -F(0),
                      F(0.5),
                      -F(0.5),
                      F(1.5),
                      -F(1.5),
                      F(2.5),
                      -F(2.5),
                      F(0.49999997),
                      F(-0.50000006),
                      F(1),
                      -F(1),
                      F(3),
                      -F(3),
                      L::min(),
                      -L::min(),
                      L::denorm_min(),
                      -L::denorm_min(),
                      L::max(),
                      -L::max(),
                      L::infinity(),
                      -L::infinity(),
                      L::epsilon(),
                      F(123456.75),
                      F(-98765.25)};
  // Around the "already integral" boundary 2^mantissa and the int32/int64 limits.
  for (F base : {F(std::ldexp(F(1), L::digits - 1)), F(2147483648.0), F(4294967296.0),
                 F(9223372036854775808.0), F(18446744073709551616.0)}) {
    F x = base;
    for (int i = 0; i < 4; ++i) x = std::nextafter(x, F(0));
    for (int i = 0; i < 8; ++i, x = std::nextafter(x, L::infinity())) {
      v.push_back(x);
      v.push_back(-x);
      v.push_back(x + F(0.5) * (x < std::ldexp(F(1), L::digits - 1)));
    }
  }
  std::mt19937_64 rng(42);
  for (int i = 0; i < 4000; ++i) {
    F x;
    if constexpr (sizeof(F) == 4) {
      x = f32(uint32_t(rng()));
    } else {
      x = f64(rng());
    }
    if (!std::isnan(x)) v.push_back(x);
    v.push_back(
        F(std::ldexp(double(int64_t(rng() >> 20)) / 4.0, int(rng() % 20))));  // smallish, with fractions
  }
  return v;
}

}  // namespace

// ---- integers ---------------------------------------------------------------------
TEST(Semantics, IntegerDivisionTraps) {
  TrapCode t = TrapCode::None;
  EXPECT_EQ(sem::I32DivS(7, uint32_t(-2), t), uint32_t(-3));
  EXPECT_EQ(sem::I32DivS(uint32_t(-7), 2, t), uint32_t(-3));  // truncates toward zero
  EXPECT_EQ(t, TrapCode::None);
  sem::I32DivS(1, 0, t);
  EXPECT_EQ(t, TrapCode::IntegerDivideByZero);
  t = TrapCode::None;
  sem::I32DivS(0x8000'0000u, 0xffff'ffffu, t);
  EXPECT_EQ(t, TrapCode::IntegerOverflow);
  t = TrapCode::None;
  EXPECT_EQ(sem::I32DivS(0x8000'0000u, 2, t), 0xc000'0000u);
  EXPECT_EQ(sem::I32DivU(0x8000'0000u, 0xffff'ffffu, t), 0u);
  EXPECT_EQ(sem::I32DivU(0xffff'fffeu, 2, t), 0x7fff'ffffu);
  EXPECT_EQ(t, TrapCode::None);
  sem::I32DivU(1, 0, t);
  EXPECT_EQ(t, TrapCode::IntegerDivideByZero);

  t = TrapCode::None;
  EXPECT_EQ(sem::I32RemS(0x8000'0000u, 0xffff'ffffu, t), 0u);  // no trap, no UB
  EXPECT_EQ(sem::I32RemS(uint32_t(-7), 2, t), uint32_t(-1));   // sign of the dividend
  EXPECT_EQ(sem::I32RemS(7, uint32_t(-2), t), 1u);
  EXPECT_EQ(sem::I32RemU(uint32_t(-7), 2, t), 1u);
  EXPECT_EQ(t, TrapCode::None);
  sem::I32RemS(1, 0, t);
  EXPECT_EQ(t, TrapCode::IntegerDivideByZero);
  t = TrapCode::None;
  sem::I32RemU(1, 0, t);
  EXPECT_EQ(t, TrapCode::IntegerDivideByZero);

  constexpr uint64_t kMin64 = 0x8000'0000'0000'0000u;
  t = TrapCode::None;
  EXPECT_EQ(sem::I64RemS(kMin64, ~0ull, t), 0u);
  EXPECT_EQ(sem::I64DivS(kMin64, 2, t), 0xc000'0000'0000'0000u);
  EXPECT_EQ(sem::I64DivU(kMin64, ~0ull, t), 0u);
  EXPECT_EQ(sem::I64RemU(~0ull, 10, t), 5u);
  EXPECT_EQ(t, TrapCode::None);
  sem::I64DivS(kMin64, ~0ull, t);
  EXPECT_EQ(t, TrapCode::IntegerOverflow);
  for (auto f : {sem::I64DivS, sem::I64DivU, sem::I64RemS, sem::I64RemU}) {
    t = TrapCode::None;
    f(5, 0, t);
    EXPECT_EQ(t, TrapCode::IntegerDivideByZero);
  }
}

TEST(Semantics, ShiftsAndRotatesTakeCountModWidth) {
  EXPECT_EQ(sem::I32Shl(1, 33), 2u);
  EXPECT_EQ(sem::I32Shl(1, 32), 1u);
  EXPECT_EQ(sem::I32Shl(0xffff'ffffu, 31), 0x8000'0000u);
  EXPECT_EQ(sem::I32ShrS(0x8000'0000u, 31), 0xffff'ffffu);
  EXPECT_EQ(sem::I32ShrS(0x8000'0000u, 63), 0xffff'ffffu);
  EXPECT_EQ(sem::I32ShrS(0x4000'0000u, 0xffff'ffffu), 0u);
  EXPECT_EQ(sem::I32ShrU(0x8000'0000u, 0xffff'ffffu), 1u);
  EXPECT_EQ(sem::I32Rotl(0x8000'0001u, 1), 3u);
  EXPECT_EQ(sem::I32Rotl(0x8000'0001u, 33), 3u);
  EXPECT_EQ(sem::I32Rotl(0x1234'5678u, 0), 0x1234'5678u);
  EXPECT_EQ(sem::I32Rotr(3, 1), 0x8000'0001u);
  EXPECT_EQ(sem::I32Rotr(3, 0xffff'ffe1u), 0x8000'0001u);
  EXPECT_EQ(sem::I64Shl(1, 65), 2u);
  EXPECT_EQ(sem::I64ShrS(0x8000'0000'0000'0000u, 127), ~0ull);
  EXPECT_EQ(sem::I64ShrU(0x8000'0000'0000'0000u, 63), 1u);
  EXPECT_EQ(sem::I64Rotl(0x8000'0000'0000'0001u, 65), 3u);
  EXPECT_EQ(sem::I64Rotr(3, 0x8000'0000'0000'0001u), 0x8000'0000'0000'0001u);
}

TEST(Semantics, BitCountsAndExtension) {
  EXPECT_EQ(sem::I32Clz(0), 32u);
  EXPECT_EQ(sem::I32Ctz(0), 32u);
  EXPECT_EQ(sem::I32Clz(1), 31u);
  EXPECT_EQ(sem::I32Ctz(0x8000'0000u), 31u);
  EXPECT_EQ(sem::I32Popcnt(0xffff'ffffu), 32u);
  EXPECT_EQ(sem::I64Clz(0), 64u);
  EXPECT_EQ(sem::I64Ctz(0), 64u);
  EXPECT_EQ(sem::I64Popcnt(0x8000'0000'0000'0001u), 2u);
  EXPECT_EQ(sem::I32Extend8S(0x80), 0xffff'ff80u);
  EXPECT_EQ(sem::I32Extend8S(0x1234'567f), 0x7fu);
  EXPECT_EQ(sem::I32Extend16S(0x8000), 0xffff'8000u);
  EXPECT_EQ(sem::I64Extend8S(0xff), ~0ull);
  EXPECT_EQ(sem::I64Extend16S(0x1'7fff), 0x7fffu);
  EXPECT_EQ(sem::I64Extend32S(0x8000'0000u), 0xffff'ffff'8000'0000u);
  EXPECT_EQ(sem::I64Extend32S(0xffff'ffff'7fff'ffffu), 0x7fff'ffffu);
  EXPECT_EQ(sem::I64ExtendI32S(0x8000'0000u), 0xffff'ffff'8000'0000u);
  EXPECT_EQ(sem::I64ExtendI32U(0x8000'0000u), 0x8000'0000u);
  EXPECT_EQ(sem::I32WrapI64(0x1'0000'0002u), 2u);
  EXPECT_EQ(sem::I32LtS(0x8000'0000u, 0), 1u);
  EXPECT_EQ(sem::I32LtU(0x8000'0000u, 0), 0u);
  EXPECT_EQ(sem::I64GeS(0, 0x8000'0000'0000'0000u), 1u);
  EXPECT_EQ(sem::I64GeU(0, 0x8000'0000'0000'0000u), 0u);
  EXPECT_EQ(sem::I32Mul(0x8000'0001u, 0x8000'0001u), 1u);  // wraps (would be UB as int)
  EXPECT_EQ(sem::I64Mul(0x8000'0000'0000'0001u, 3), 0x8000'0000'0000'0003u);
}

// ---- floats -----------------------------------------------------------------------
TEST(Semantics, MinMaxZerosAndNaNs) {
  EXPECT_EQ(fb(sem::F32Min(0.0f, -0.0f)), 0x8000'0000u);
  EXPECT_EQ(fb(sem::F32Min(-0.0f, 0.0f)), 0x8000'0000u);
  EXPECT_EQ(fb(sem::F32Max(0.0f, -0.0f)), 0u);
  EXPECT_EQ(fb(sem::F32Max(-0.0f, 0.0f)), 0u);
  EXPECT_EQ(db(sem::F64Min(0.0, -0.0)), 0x8000'0000'0000'0000u);
  EXPECT_EQ(db(sem::F64Max(-0.0, 0.0)), 0u);
  EXPECT_EQ(sem::F32Min(1.0f, 2.0f), 1.0f);
  EXPECT_EQ(sem::F32Max(-INFINITY, 2.0f), 2.0f);
  EXPECT_EQ(sem::F64Min(-INFINITY, 2.0), -INFINITY);
  for (uint32_t nan : {0x7fc0'0000u, 0xffc0'0000u, kSNaN32, kNegArithNaN32}) {
    for (float other : {0.0f, -1.0f, INFINITY, f32(0x7fc0'0000u)}) {
      EXPECT_TRUE(isCanonical(sem::F32Min(f32(nan), other)));
      EXPECT_TRUE(isCanonical(sem::F32Min(other, f32(nan))));
      EXPECT_TRUE(isCanonical(sem::F32Max(f32(nan), other)));
      EXPECT_TRUE(isCanonical(sem::F32Max(other, f32(nan))));
    }
  }
  EXPECT_TRUE(isCanonical(sem::F64Min(f64(kSNaN64), 1.0)));
  EXPECT_TRUE(isCanonical(sem::F64Max(1.0, f64(kSNaN64))));
}

TEST(Semantics, SignOpsAreBitExact) {
  for (uint32_t b : {kSNaN32, kNegArithNaN32, 0x7fc0'0000u, 0u, 0x8000'0000u, 0x3f80'0000u}) {
    EXPECT_EQ(fb(sem::F32Neg(f32(b))), b ^ 0x8000'0000u);
    EXPECT_EQ(fb(sem::F32Abs(f32(b))), b & 0x7fff'ffffu);
    EXPECT_EQ(fb(sem::F32Copysign(f32(b), -1.0f)), b | 0x8000'0000u);
    EXPECT_EQ(fb(sem::F32Copysign(f32(b), f32(0x7fc0'0000u))), b & 0x7fff'ffffu);
    EXPECT_EQ(fb(sem::F32ReinterpretI32(b)), b);
    EXPECT_EQ(sem::I32ReinterpretF32(f32(b)), b);
  }
  for (uint64_t b : {kSNaN64, 0xfff8'0000'0000'0001u, uint64_t(0), 0x8000'0000'0000'0000u}) {
    EXPECT_EQ(db(sem::F64Neg(f64(b))), b ^ 0x8000'0000'0000'0000u);
    EXPECT_EQ(db(sem::F64Abs(f64(b))), b & 0x7fff'ffff'ffff'ffffu);
    EXPECT_EQ(db(sem::F64Copysign(f64(b), f64(0xfff8'0000'0000'0000u))), b | 0x8000'0000'0000'0000u);
    EXPECT_EQ(sem::I64ReinterpretF64(sem::F64ReinterpretI64(b)), b);
  }
}

TEST(Semantics, ArithmeticNaNsAreCanonicalOrArithmetic) {
  float qnan = f32(0x7fc0'0000u), snan = f32(kSNaN32);
  for (auto op : {sem::F32Add, sem::F32Sub, sem::F32Mul, sem::F32Div}) {
    EXPECT_TRUE(isCanonical(op(qnan, 1.0f)));
    EXPECT_TRUE(isCanonical(op(1.0f, qnan)));
    EXPECT_TRUE(isArithmetic(op(snan, 1.0f)));
    EXPECT_TRUE(isArithmetic(op(1.0f, snan)));
    EXPECT_TRUE(isArithmetic(op(f32(kNegArithNaN32), 1.0f)));
  }
  EXPECT_TRUE(isCanonical(sem::F32Sub(INFINITY, INFINITY)));
  EXPECT_TRUE(isCanonical(sem::F32Div(0.0f, 0.0f)));
  EXPECT_TRUE(isCanonical(sem::F32Mul(0.0f, INFINITY)));
  EXPECT_TRUE(isCanonical(sem::F32Sqrt(-1.0f)));
  EXPECT_TRUE(isArithmetic(sem::F32Sqrt(snan)));
  EXPECT_TRUE(isCanonical(sem::F64Sqrt(-1.0)));
  EXPECT_TRUE(isArithmetic(sem::F64Add(f64(kSNaN64), 0.0)));
  EXPECT_TRUE(isCanonical(sem::F64Div(-0.0, 0.0)));
  EXPECT_EQ(fb(sem::F32Sqrt(-0.0f)), 0x8000'0000u);
  EXPECT_EQ(sem::F64Sqrt(0x1p-1074), 0x1p-537);
  // Promote/demote quiet NaNs and keep the canonical NaN canonical.
  EXPECT_TRUE(isArithmetic(sem::F64PromoteF32(snan)));
  EXPECT_TRUE(isCanonical(sem::F64PromoteF32(qnan)));
  EXPECT_TRUE(isArithmetic(sem::F32DemoteF64(f64(kSNaN64))));
  EXPECT_TRUE(isCanonical(sem::F32DemoteF64(f64(0xfff8'0000'0000'0000u))));
  EXPECT_TRUE(isArithmetic(sem::F32DemoteF64(f64(0x7fff'ffff'ffff'ffffu))));
}

TEST(Semantics, DemotePromoteRounding) {
  EXPECT_EQ(sem::F32DemoteF64(0x1.fffffefffffffp127), 0x1.fffffep127f);  // rounds down to max
  EXPECT_EQ(sem::F32DemoteF64(0x1.ffffffp127), INFINITY);                // ties to even -> overflow
  EXPECT_EQ(sem::F32DemoteF64(-1e300), -INFINITY);
  EXPECT_EQ(sem::F32DemoteF64(0x1p-150), 0.0f);                     // ties to even -> 0
  EXPECT_EQ(sem::F32DemoteF64(0x1.0000000000001p-150), 0x1p-149f);  // just above the tie
  EXPECT_EQ(sem::F32DemoteF64(0x1.000001p0), 1.0f);                 // tie, even
  EXPECT_EQ(sem::F32DemoteF64(0x1.000003p0), 0x1.000004p0f);        // tie, even (up)
  EXPECT_EQ(fb(sem::F32DemoteF64(-0.0)), 0x8000'0000u);
  EXPECT_EQ(sem::F64PromoteF32(0x1p-149f), 0x1p-149);
  EXPECT_EQ(sem::F64PromoteF32(-INFINITY), -INFINITY);
}

namespace {
// Reference rounding to integer, through long double (64-bit mantissa) and
// libm, in the default rounding mode.
template <class F>
void checkRounding(F x) {
  auto same = [&](F got, F want, const char* what) {
    if (std::isnan(want)) {
      EXPECT_TRUE(isCanonical(got)) << what << " " << x;
    } else {
      EXPECT_EQ(std::bit_cast<typename sem::detail::FloatTraits<F>::Bits>(got),
                std::bit_cast<typename sem::detail::FloatTraits<F>::Bits>(want))
          << what << "(" << x << ") = " << got << ", want " << want;
    }
  };
  if constexpr (sizeof(F) == 4) {
    same(sem::F32Ceil(x), std::ceil(x), "ceil");
    same(sem::F32Floor(x), std::floor(x), "floor");
    same(sem::F32Trunc(x), std::trunc(x), "trunc");
    same(sem::F32Nearest(x), std::nearbyint(x), "nearest");
  } else {
    same(sem::F64Ceil(x), std::ceil(x), "ceil");
    same(sem::F64Floor(x), std::floor(x), "floor");
    same(sem::F64Trunc(x), std::trunc(x), "trunc");
    same(sem::F64Nearest(x), std::nearbyint(x), "nearest");
  }
}
}  // namespace

TEST(Semantics, RoundingMatchesIeee) {
  for (float x : interestingFloats<float>()) checkRounding(x);
  for (double x : interestingFloats<double>()) checkRounding(x);
  // Spec examples: ties to even, signed zeros kept.
  EXPECT_EQ(fb(sem::F32Nearest(-0.5f)), 0x8000'0000u);
  EXPECT_EQ(sem::F32Nearest(2.5f), 2.0f);
  EXPECT_EQ(sem::F32Nearest(3.5f), 4.0f);
  EXPECT_EQ(sem::F32Nearest(0x1.fffffep22f), 0x1p23f);  // 8388607.5 -> 8388608 (even)
  EXPECT_EQ(sem::F64Nearest(4503599627370495.5), 4503599627370496.0);
  EXPECT_EQ(fb(sem::F32Ceil(-0.5f)), 0x8000'0000u);
  EXPECT_EQ(fb(sem::F32Floor(-0.0f)), 0x8000'0000u);
  EXPECT_EQ(db(sem::F64Trunc(-0.9)), 0x8000'0000'0000'0000u);
  EXPECT_EQ(sem::F64Floor(-0x1p-1074), -1.0);
  EXPECT_EQ(sem::F64Ceil(0x1p-1074), 1.0);
  // NaN in: canonical NaN out (even for signaling inputs).
  for (auto op : {sem::F32Ceil, sem::F32Floor, sem::F32Trunc, sem::F32Nearest}) {
    EXPECT_TRUE(isCanonical(op(f32(kSNaN32))));
    EXPECT_TRUE(isCanonical(op(f32(kNegArithNaN32))));
  }
  for (auto op : {sem::F64Ceil, sem::F64Floor, sem::F64Trunc, sem::F64Nearest})
    EXPECT_TRUE(isCanonical(op(f64(kSNaN64))));
}

TEST(Semantics, FloatComparisons) {
  float nan = f32(0x7fc0'0000u);
  EXPECT_EQ(sem::F32Eq(nan, nan), 0u);
  EXPECT_EQ(sem::F32Ne(nan, nan), 1u);
  EXPECT_EQ(sem::F32Lt(nan, 1.0f) | sem::F32Gt(nan, 1.0f) | sem::F32Le(nan, 1.0f) | sem::F32Ge(1.0f, nan),
            0u);
  EXPECT_EQ(sem::F32Eq(0.0f, -0.0f), 1u);
  EXPECT_EQ(sem::F64Lt(-0.0, 0.0), 0u);
  EXPECT_EQ(sem::F64Le(-0.0, 0.0), 1u);
  EXPECT_EQ(sem::F64Ne(f64(kSNaN64), 1.0), 1u);
  EXPECT_EQ(sem::F64Ge(INFINITY, INFINITY), 1u);
}

// ---- conversions ------------------------------------------------------------------
TEST(Semantics, TruncTrapBounds) {
  auto run32s = [](float x) {
    TrapCode t = TrapCode::None;
    uint32_t r = sem::I32TruncF32S(x, t);
    return std::pair{r, t};
  };
  EXPECT_EQ(run32s(-2147483648.0f), std::pair(0x8000'0000u, TrapCode::None));
  EXPECT_EQ(run32s(2147483520.0f), std::pair(0x7fff'ff80u, TrapCode::None));
  EXPECT_EQ(run32s(2147483648.0f).second, TrapCode::IntegerOverflow);
  EXPECT_EQ(run32s(-2147483904.0f).second, TrapCode::IntegerOverflow);
  EXPECT_EQ(run32s(-0.9f), std::pair(0u, TrapCode::None));
  EXPECT_EQ(run32s(-1.9f), std::pair(0xffff'ffffu, TrapCode::None));
  EXPECT_EQ(run32s(f32(0x7fc0'0000u)).second, TrapCode::InvalidConversion);
  EXPECT_EQ(run32s(f32(0xff80'0001u)).second, TrapCode::InvalidConversion);
  EXPECT_EQ(run32s(INFINITY).second, TrapCode::IntegerOverflow);
  EXPECT_EQ(run32s(-INFINITY).second, TrapCode::IntegerOverflow);

  auto check = [](auto fn, auto x, TrapCode want, auto wantValue) {
    TrapCode t = TrapCode::None;
    auto r = fn(x, t);
    EXPECT_EQ(t, want) << x;
    if (want == TrapCode::None) EXPECT_EQ(r, wantValue) << x;
  };
  using T = TrapCode;
  check(sem::I32TruncF32U, -0.99999994f, T::None, 0u);
  check(sem::I32TruncF32U, -1.0f, T::IntegerOverflow, 0u);
  check(sem::I32TruncF32U, 4294967040.0f, T::None, 4294967040u);
  check(sem::I32TruncF32U, 4294967296.0f, T::IntegerOverflow, 0u);
  check(sem::I32TruncF64S, -2147483648.9, T::None, 0x8000'0000u);
  check(sem::I32TruncF64S, -2147483649.0, T::IntegerOverflow, 0u);
  check(sem::I32TruncF64S, 2147483647.9, T::None, 0x7fff'ffffu);
  check(sem::I32TruncF64S, 2147483648.0, T::IntegerOverflow, 0u);
  check(sem::I32TruncF64U, -0.9999999999999999, T::None, 0u);
  check(sem::I32TruncF64U, -1.0, T::IntegerOverflow, 0u);
  check(sem::I32TruncF64U, 4294967295.9, T::None, 0xffff'ffffu);
  check(sem::I32TruncF64U, 4294967296.0, T::IntegerOverflow, 0u);
  check(sem::I32TruncF64U, f64(kSNaN64), T::InvalidConversion, 0u);
  check(sem::I64TruncF32S, -9223372036854775808.0f, T::None, 0x8000'0000'0000'0000u);
  check(sem::I64TruncF32S, 9223371487098961920.0f, T::None, 9223371487098961920u);
  check(sem::I64TruncF32S, 9223372036854775808.0f, T::IntegerOverflow, 0u);
  check(sem::I64TruncF32S, -9223373136366403584.0f, T::IntegerOverflow, 0u);
  check(sem::I64TruncF32U, 18446742974197923840.0f, T::None, 18446742974197923840u);
  check(sem::I64TruncF32U, 18446744073709551616.0f, T::IntegerOverflow, 0u);
  check(sem::I64TruncF32U, -0.5f, T::None, 0u);
  check(sem::I64TruncF64S, -9223372036854775808.0, T::None, 0x8000'0000'0000'0000u);
  check(sem::I64TruncF64S, 9223372036854774784.0, T::None, 9223372036854774784u);
  check(sem::I64TruncF64S, 9223372036854775808.0, T::IntegerOverflow, 0u);
  check(sem::I64TruncF64S, -9223372036854777856.0, T::IntegerOverflow, 0u);
  check(sem::I64TruncF64U, 18446744073709549568.0, T::None, 18446744073709549568u);
  check(sem::I64TruncF64U, 18446744073709551616.0, T::IntegerOverflow, 0u);
  check(sem::I64TruncF64U, -0.9, T::None, 0u);
  check(sem::I64TruncF64U, -1.0, T::IntegerOverflow, 0u);
  check(sem::I64TruncF64U, f64(0x7ff8'0000'0000'0000u), T::InvalidConversion, 0u);
}

TEST(Semantics, TruncSat) {
  float nan = f32(0x7fc0'0000u);
  EXPECT_EQ(sem::I32TruncSatF32S(nan), 0u);
  EXPECT_EQ(sem::I32TruncSatF32S(-nan), 0u);
  EXPECT_EQ(sem::I32TruncSatF32S(3e9f), 0x7fff'ffffu);
  EXPECT_EQ(sem::I32TruncSatF32S(-3e9f), 0x8000'0000u);
  EXPECT_EQ(sem::I32TruncSatF32S(-INFINITY), 0x8000'0000u);
  EXPECT_EQ(sem::I32TruncSatF32S(-2.9f), uint32_t(-2));
  EXPECT_EQ(sem::I32TruncSatF32U(-2.9f), 0u);
  EXPECT_EQ(sem::I32TruncSatF32U(INFINITY), 0xffff'ffffu);
  EXPECT_EQ(sem::I32TruncSatF32U(4294967040.0f), 4294967040u);
  EXPECT_EQ(sem::I32TruncSatF64S(2147483647.5), 0x7fff'ffffu);
  EXPECT_EQ(sem::I32TruncSatF64S(-2147483648.9), 0x8000'0000u);
  EXPECT_EQ(sem::I32TruncSatF64S(-2147483649.0), 0x8000'0000u);
  EXPECT_EQ(sem::I32TruncSatF64U(4294967295.9), 0xffff'ffffu);
  EXPECT_EQ(sem::I32TruncSatF64U(1e300), 0xffff'ffffu);
  EXPECT_EQ(sem::I32TruncSatF64U(f64(kSNaN64)), 0u);
  EXPECT_EQ(sem::I64TruncSatF32S(1e19f), 0x7fff'ffff'ffff'ffffu);
  EXPECT_EQ(sem::I64TruncSatF32S(-1e19f), 0x8000'0000'0000'0000u);
  EXPECT_EQ(sem::I64TruncSatF32U(1e20f), ~0ull);
  EXPECT_EQ(sem::I64TruncSatF32U(-1e20f), 0u);
  EXPECT_EQ(sem::I64TruncSatF64S(9223372036854775808.0), 0x7fff'ffff'ffff'ffffu);
  EXPECT_EQ(sem::I64TruncSatF64S(-9223372036854775808.0), 0x8000'0000'0000'0000u);
  EXPECT_EQ(sem::I64TruncSatF64U(18446744073709549568.0), 18446744073709549568u);
  EXPECT_EQ(sem::I64TruncSatF64U(18446744073709551616.0), ~0ull);
  EXPECT_EQ(sem::I64TruncSatF64U(nan), 0u);
  // Agrees with the trapping version wherever that one doesn't trap.
  for (double x : interestingFloats<double>()) {
    TrapCode t = TrapCode::None;
    uint64_t r = sem::I64TruncF64S(x, t);
    if (t == TrapCode::None) EXPECT_EQ(r, sem::I64TruncSatF64S(x)) << x;
    t = TrapCode::None;
    uint32_t r32 = sem::I32TruncF64U(x, t);
    if (t == TrapCode::None) EXPECT_EQ(r32, sem::I32TruncSatF64U(x)) << x;
  }
}

namespace {
// Correctly rounded (ties-to-even) unsigned -> binary float with `digits`
// mantissa bits, by integer arithmetic: the reference for the conversions.
template <class F>
F refFromU64(uint64_t v) {
  constexpr int digits = std::numeric_limits<F>::digits;
  if (v == 0) return F(0);
  int width = 64 - std::countl_zero(v);
  if (width <= digits) return std::ldexp(F(double(v)), 0);  // exact
  int drop = width - digits;
  uint64_t mant = v >> drop;
  uint64_t rest = v & ((uint64_t(1) << drop) - 1);
  uint64_t half = uint64_t(1) << (drop - 1);
  if (rest > half || (rest == half && (mant & 1))) ++mant;
  return std::ldexp(F(mant), drop);  // mant may be 2^digits; still exact
}
template <class F>
F refFromI64(uint64_t v) {
  bool neg = int64_t(v) < 0;
  F m = refFromU64<F>(neg ? 0 - v : v);
  return neg ? -m : m;
}
}  // namespace

TEST(Semantics, IntToFloatConversionsRoundCorrectly) {
  // From conversions.wast: double rounding would get these wrong.
  EXPECT_EQ(sem::F32ConvertI64U(0x8000'0080'0000'0001u), 0x1.000002p63f);
  EXPECT_EQ(sem::F32ConvertI64U(0xffff'ff7f'ffff'ffffu), 0x1.fffffep63f);
  EXPECT_EQ(sem::F32ConvertI64U(0x0020'0000'2000'0001u), 0x1.000002p53f);
  EXPECT_EQ(sem::F32ConvertI64S(0x0020'0000'2000'0001u), 0x1.000002p53f);
  EXPECT_EQ(sem::F32ConvertI64S(0xffdf'ffff'dfff'ffffu), -0x1.000002p53f);
  EXPECT_EQ(sem::F32ConvertI32S(0x7fff'ffffu), 0x1p31f);
  EXPECT_EQ(sem::F32ConvertI32S(0x8000'0000u), -0x1p31f);
  EXPECT_EQ(sem::F32ConvertI32U(0xffff'ffffu), 0x1p32f);
  EXPECT_EQ(sem::F32ConvertI32U(0x0100'0001u), 16777216.0f);  // tie -> even
  EXPECT_EQ(sem::F32ConvertI32U(0x0100'0003u), 16777220.0f);
  EXPECT_EQ(sem::F64ConvertI64U(0xffff'ffff'ffff'fc00u), 0x1p64);
  EXPECT_EQ(sem::F64ConvertI64U(0x8000'0000'0000'0401u), 0x1.0000000000001p63);
  EXPECT_EQ(sem::F64ConvertI64U(0x8000'0000'0000'0400u), 0x1p63);
  EXPECT_EQ(sem::F64ConvertI64S(0x8000'0000'0000'0000u), -0x1p63);
  EXPECT_EQ(sem::F64ConvertI64S(0x0020'0000'0000'0001u), 9007199254740992.0);
  EXPECT_EQ(sem::F64ConvertI32U(0xffff'ffffu), 4294967295.0);
  EXPECT_EQ(sem::F64ConvertI32S(0x8000'0000u), -2147483648.0);

  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    // Random magnitudes, many with tie/near-tie low bits.
    uint64_t v = rng() >> (rng() % 64);
    if (i & 1) v = (v & ~0xffffull) | ((rng() & 1) ? 0x8000 : 0x7fff);
    ASSERT_EQ(fb(sem::F32ConvertI64U(v)), fb(refFromU64<float>(v))) << v;
    ASSERT_EQ(fb(sem::F32ConvertI64S(v)), fb(refFromI64<float>(v))) << v;
    ASSERT_EQ(db(sem::F64ConvertI64U(v)), db(refFromU64<double>(v))) << v;
    ASSERT_EQ(db(sem::F64ConvertI64S(v)), db(refFromI64<double>(v))) << v;
    uint32_t w = uint32_t(v);
    ASSERT_EQ(fb(sem::F32ConvertI32U(w)), fb(refFromU64<float>(w))) << w;
    ASSERT_EQ(fb(sem::F32ConvertI32S(w)), fb(refFromI64<float>(uint64_t(int64_t(int32_t(w)))))) << w;
  }
}
