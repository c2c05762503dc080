// Exact WebAssembly semantics of every numeric instruction, one inline function
// per opcode, named after its Opcode enumerator (sem::I32Add, sem::F32Min, ...).
// The vector (v128) instructions live in semantics_simd.h, included at the end.
//
// Conventions (the interpreter's handlers call these directly):
//   i32 -> uint32_t, i64 -> uint64_t, f32 -> float, f64 -> double, v128 -> V128.
//   Ops that can trap take a trailing `TrapCode& trap`; on a trap they set it and
//   return an unspecified value (0). They never reset it to None.
//   Lane immediates are a trailing `uint32_t lane` (already validated).
//
// Floating point: NaN results follow the spec's nondeterminism rules. Plain
// arithmetic (add/sub/mul/div/sqrt/demote/promote) uses the hardware, which
// returns a quieted input NaN or the default NaN - both allowed; for the
// binary ops, which input NaN is made explicit (see arithNaN). Where the
// hardware or compiler can't be trusted to quiet (min/max, rounding), we return
// the positive canonical NaN, which is always allowed. abs/neg/copysign are
// pure bit operations and preserve payloads exactly. Everything assumes the
// default FP environment (round-to-nearest-even, no FTZ/DAZ), as Wasm does.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "common/types.h"

#if defined(__FAST_MATH__)
#error "interp/semantics.h needs IEEE floating point; do not build with -ffast-math"
#endif

// Forced inline even at -O0: these are the bodies of interpreter handlers.
#define WHARF_SEM_INLINE inline __attribute__((always_inline))

namespace wharf::sem {

// Why a numeric instruction trapped: the subset of runtime TrapKind these ops
// can raise, kept separate so the semantics don't depend on the runtime; the
// interpreter maps it with a trivial switch.
enum class TrapCode : uint8_t { None, IntegerDivideByZero, IntegerOverflow, InvalidConversion };

namespace detail {

template <class F>
struct FloatTraits;
template <>
struct FloatTraits<float> {
  using Bits = uint32_t;
  static constexpr Bits kSign = 0x8000'0000u;
  static constexpr Bits kCanonicalNaN = 0x7fc0'0000u;
  static constexpr Bits kQuiet = 0x0040'0000u;
  static constexpr float kIntegral = 0x1p23f;  // every float with |x| >= this is an integer
};
template <>
struct FloatTraits<double> {
  using Bits = uint64_t;
  static constexpr Bits kSign = 0x8000'0000'0000'0000u;
  static constexpr Bits kCanonicalNaN = 0x7ff8'0000'0000'0000u;
  static constexpr Bits kQuiet = 0x0008'0000'0000'0000u;
  static constexpr double kIntegral = 0x1p52;
};

template <class F>
WHARF_SEM_INLINE typename FloatTraits<F>::Bits bits(F x) {
  return std::bit_cast<typename FloatTraits<F>::Bits>(x);
}
template <class F>
WHARF_SEM_INLINE F fromBits(typename FloatTraits<F>::Bits b) {
  return std::bit_cast<F>(b);
}
template <class F>
WHARF_SEM_INLINE F canonicalNaN() {
  return fromBits<F>(FloatTraits<F>::kCanonicalNaN);
}

template <class F>
WHARF_SEM_INLINE F fabs(F x) {
  return fromBits<F>(bits(x) & ~FloatTraits<F>::kSign);
}
template <class F>
WHARF_SEM_INLINE F fneg(F x) {
  return fromBits<F>(bits(x) ^ FloatTraits<F>::kSign);
}
template <class F>
WHARF_SEM_INLINE F fcopysign(F mag, F sign) {
  constexpr auto s = FloatTraits<F>::kSign;
  return fromBits<F>((bits(mag) & ~s) | (bits(sign) & s));
}

// The result of binary arithmetic `r` on a and b when it is a NaN: the first
// operand if it is a NaN, else the second, quieted (what SSE computes for
// `a op b`); with no NaN operand (inf - inf, 0 * inf, 0 / 0) the hardware's
// default NaN. Left to the hardware, the payload would depend on the order in
// which the C++ compiler put the operands of a commutative `a + b` or `a * b`,
// which differs between handlers (a fused and a plain handler computing the
// same instruction returned different NaNs; fuzz/fuzz_diff.cpp). The check is
// one compare and a predicted branch on r.
template <class F>
WHARF_SEM_INLINE F arithNaN(F r, F a, F b) {
  if (!__builtin_isnan(r)) [[likely]]
    return r;
  if (__builtin_isnan(a)) return fromBits<F>(bits(a) | FloatTraits<F>::kQuiet);
  if (__builtin_isnan(b)) return fromBits<F>(bits(b) | FloatTraits<F>::kQuiet);
  return r;
}

// SSE minss/maxss are not IEEE/Wasm min/max (NaN and -0 handling), so spell it out.
template <class F>
WHARF_SEM_INLINE F fmin(F a, F b) {
  if (a < b) return a;
  if (b < a) return b;
  if (a == b) return fromBits<F>(bits(a) | bits(b));  // equal; -0 wins over +0
  return canonicalNaN<F>();
}
template <class F>
WHARF_SEM_INLINE F fmax(F a, F b) {
  if (a > b) return a;
  if (b > a) return b;
  if (a == b) return fromBits<F>(bits(a) & bits(b));  // equal; +0 wins over -0
  return canonicalNaN<F>();
}

// Rounding without libm: for |x| < 2^mantissa, adding and subtracting 2^mantissa
// rounds |x| to an integer ties-to-even (the Wasm FP environment). Larger
// magnitudes are integers already. The sign is reapplied at the end, which
// gives the -0 results the spec requires (e.g. ceil(-0.5) = -0).
enum class Round { Nearest, Trunc, Floor, Ceil };
template <Round mode, class F>
WHARF_SEM_INLINE F fround(F x) {
  if (__builtin_isnan(x)) return canonicalNaN<F>();
  F ax = fabs(x);
  if (!(ax < FloatTraits<F>::kIntegral)) return x;
  constexpr F k = FloatTraits<F>::kIntegral;
  F r = (ax + k) - k;  // nearest integer to |x|
  if constexpr (mode == Round::Trunc) {
    if (r > ax) r -= F(1);
  } else if constexpr (mode == Round::Floor || mode == Round::Ceil) {
    r = fcopysign(r, x);
    if constexpr (mode == Round::Floor) {
      if (r > x) r -= F(1);
    } else {
      if (r < x) r += F(1);
    }
  }
  return fcopysign(r, x);
}

// Float -> int truncation. `lo`/`hi` are exclusive bounds on x (as reals) such
// that trunc(x) fits in I; both are exactly representable in F.
template <class I, class F>
struct TruncBounds;
template <>
struct TruncBounds<int32_t, float> {
  static constexpr float lo = -0x1.000002p31f, hi = 0x1p31f;  // x >= -2^31 <=> x > next below
};
template <>
struct TruncBounds<int32_t, double> {
  static constexpr double lo = -2147483649.0, hi = 0x1p31;
};
template <>
struct TruncBounds<uint32_t, float> {
  static constexpr float lo = -1.0f, hi = 0x1p32f;
};
template <>
struct TruncBounds<uint32_t, double> {
  static constexpr double lo = -1.0, hi = 0x1p32;
};
template <>
struct TruncBounds<int64_t, float> {
  static constexpr float lo = -0x1.000002p63f, hi = 0x1p63f;
};
template <>
struct TruncBounds<int64_t, double> {
  static constexpr double lo = -0x1.0000000000001p63, hi = 0x1p63;
};
template <>
struct TruncBounds<uint64_t, float> {
  static constexpr float lo = -1.0f, hi = 0x1p64f;
};
template <>
struct TruncBounds<uint64_t, double> {
  static constexpr double lo = -1.0, hi = 0x1p64;
};

template <class I, class F>
WHARF_SEM_INLINE I truncTrap(F x, TrapCode& trap) {
  if (__builtin_isnan(x)) {
    trap = TrapCode::InvalidConversion;
    return 0;
  }
  if (!(x > TruncBounds<I, F>::lo && x < TruncBounds<I, F>::hi)) {
    trap = TrapCode::IntegerOverflow;
    return 0;
  }
  return static_cast<I>(x);
}

template <class I, class F>
WHARF_SEM_INLINE I truncSat(F x) {
  if (__builtin_isnan(x)) return 0;
  if (!(x > TruncBounds<I, F>::lo)) return std::numeric_limits<I>::min();
  if (!(x < TruncBounds<I, F>::hi)) return std::numeric_limits<I>::max();
  return static_cast<I>(x);
}

template <class U>
WHARF_SEM_INLINE U divS(U a, U b, TrapCode& trap) {
  using S = std::make_signed_t<U>;
  if (b == 0) {
    trap = TrapCode::IntegerDivideByZero;
    return 0;
  }
  if (a == (U(1) << (sizeof(U) * 8 - 1)) && b == U(-1)) {
    trap = TrapCode::IntegerOverflow;
    return 0;
  }
  return static_cast<U>(static_cast<S>(a) / static_cast<S>(b));
}
template <class U>
WHARF_SEM_INLINE U divU(U a, U b, TrapCode& trap) {
  if (b == 0) {
    trap = TrapCode::IntegerDivideByZero;
    return 0;
  }
  return a / b;
}
template <class U>
WHARF_SEM_INLINE U remS(U a, U b, TrapCode& trap) {
  using S = std::make_signed_t<U>;
  if (b == 0) {
    trap = TrapCode::IntegerDivideByZero;
    return 0;
  }
  if (b == U(-1)) return 0;  // INT_MIN % -1 is UB in C++ but 0 in Wasm
  return static_cast<U>(static_cast<S>(a) % static_cast<S>(b));
}
template <class U>
WHARF_SEM_INLINE U remU(U a, U b, TrapCode& trap) {
  if (b == 0) {
    trap = TrapCode::IntegerDivideByZero;
    return 0;
  }
  return a % b;
}

template <class U>
WHARF_SEM_INLINE U shrS(U a, U b) {
  using S = std::make_signed_t<U>;
  return static_cast<U>(static_cast<S>(a) >> (b & (sizeof(U) * 8 - 1)));  // arithmetic in C++20
}

// Sign-extends the low `from` bits' type N of `a` to U.
template <class N, class U>
WHARF_SEM_INLINE U sext(U a) {
  return static_cast<U>(static_cast<std::make_signed_t<U>>(static_cast<N>(a)));
}

}  // namespace detail

// ---- i32 ----------------------------------------------------------------------
WHARF_SEM_INLINE uint32_t I32Eqz(uint32_t a) { return a == 0; }
WHARF_SEM_INLINE uint32_t I32Eq(uint32_t a, uint32_t b) { return a == b; }
WHARF_SEM_INLINE uint32_t I32Ne(uint32_t a, uint32_t b) { return a != b; }
WHARF_SEM_INLINE uint32_t I32LtS(uint32_t a, uint32_t b) { return int32_t(a) < int32_t(b); }
WHARF_SEM_INLINE uint32_t I32LtU(uint32_t a, uint32_t b) { return a < b; }
WHARF_SEM_INLINE uint32_t I32GtS(uint32_t a, uint32_t b) { return int32_t(a) > int32_t(b); }
WHARF_SEM_INLINE uint32_t I32GtU(uint32_t a, uint32_t b) { return a > b; }
WHARF_SEM_INLINE uint32_t I32LeS(uint32_t a, uint32_t b) { return int32_t(a) <= int32_t(b); }
WHARF_SEM_INLINE uint32_t I32LeU(uint32_t a, uint32_t b) { return a <= b; }
WHARF_SEM_INLINE uint32_t I32GeS(uint32_t a, uint32_t b) { return int32_t(a) >= int32_t(b); }
WHARF_SEM_INLINE uint32_t I32GeU(uint32_t a, uint32_t b) { return a >= b; }

WHARF_SEM_INLINE uint32_t I32Clz(uint32_t a) { return std::countl_zero(a); }
WHARF_SEM_INLINE uint32_t I32Ctz(uint32_t a) { return std::countr_zero(a); }
WHARF_SEM_INLINE uint32_t I32Popcnt(uint32_t a) { return std::popcount(a); }
WHARF_SEM_INLINE uint32_t I32Add(uint32_t a, uint32_t b) { return a + b; }
WHARF_SEM_INLINE uint32_t I32Sub(uint32_t a, uint32_t b) { return a - b; }
WHARF_SEM_INLINE uint32_t I32Mul(uint32_t a, uint32_t b) { return a * b; }
WHARF_SEM_INLINE uint32_t I32DivS(uint32_t a, uint32_t b, TrapCode& trap) { return detail::divS(a, b, trap); }
WHARF_SEM_INLINE uint32_t I32DivU(uint32_t a, uint32_t b, TrapCode& trap) { return detail::divU(a, b, trap); }
WHARF_SEM_INLINE uint32_t I32RemS(uint32_t a, uint32_t b, TrapCode& trap) { return detail::remS(a, b, trap); }
WHARF_SEM_INLINE uint32_t I32RemU(uint32_t a, uint32_t b, TrapCode& trap) { return detail::remU(a, b, trap); }
WHARF_SEM_INLINE uint32_t I32And(uint32_t a, uint32_t b) { return a & b; }
WHARF_SEM_INLINE uint32_t I32Or(uint32_t a, uint32_t b) { return a | b; }
WHARF_SEM_INLINE uint32_t I32Xor(uint32_t a, uint32_t b) { return a ^ b; }
WHARF_SEM_INLINE uint32_t I32Shl(uint32_t a, uint32_t b) { return a << (b & 31); }
WHARF_SEM_INLINE uint32_t I32ShrS(uint32_t a, uint32_t b) { return detail::shrS(a, b); }
WHARF_SEM_INLINE uint32_t I32ShrU(uint32_t a, uint32_t b) { return a >> (b & 31); }
WHARF_SEM_INLINE uint32_t I32Rotl(uint32_t a, uint32_t b) { return std::rotl(a, int(b & 31)); }
WHARF_SEM_INLINE uint32_t I32Rotr(uint32_t a, uint32_t b) { return std::rotr(a, int(b & 31)); }

// ---- i64 ----------------------------------------------------------------------
WHARF_SEM_INLINE uint32_t I64Eqz(uint64_t a) { return a == 0; }
WHARF_SEM_INLINE uint32_t I64Eq(uint64_t a, uint64_t b) { return a == b; }
WHARF_SEM_INLINE uint32_t I64Ne(uint64_t a, uint64_t b) { return a != b; }
WHARF_SEM_INLINE uint32_t I64LtS(uint64_t a, uint64_t b) { return int64_t(a) < int64_t(b); }
WHARF_SEM_INLINE uint32_t I64LtU(uint64_t a, uint64_t b) { return a < b; }
WHARF_SEM_INLINE uint32_t I64GtS(uint64_t a, uint64_t b) { return int64_t(a) > int64_t(b); }
WHARF_SEM_INLINE uint32_t I64GtU(uint64_t a, uint64_t b) { return a > b; }
WHARF_SEM_INLINE uint32_t I64LeS(uint64_t a, uint64_t b) { return int64_t(a) <= int64_t(b); }
WHARF_SEM_INLINE uint32_t I64LeU(uint64_t a, uint64_t b) { return a <= b; }
WHARF_SEM_INLINE uint32_t I64GeS(uint64_t a, uint64_t b) { return int64_t(a) >= int64_t(b); }
WHARF_SEM_INLINE uint32_t I64GeU(uint64_t a, uint64_t b) { return a >= b; }

WHARF_SEM_INLINE uint64_t I64Clz(uint64_t a) { return std::countl_zero(a); }
WHARF_SEM_INLINE uint64_t I64Ctz(uint64_t a) { return std::countr_zero(a); }
WHARF_SEM_INLINE uint64_t I64Popcnt(uint64_t a) { return std::popcount(a); }
WHARF_SEM_INLINE uint64_t I64Add(uint64_t a, uint64_t b) { return a + b; }
WHARF_SEM_INLINE uint64_t I64Sub(uint64_t a, uint64_t b) { return a - b; }
WHARF_SEM_INLINE uint64_t I64Mul(uint64_t a, uint64_t b) { return a * b; }
WHARF_SEM_INLINE uint64_t I64DivS(uint64_t a, uint64_t b, TrapCode& trap) { return detail::divS(a, b, trap); }
WHARF_SEM_INLINE uint64_t I64DivU(uint64_t a, uint64_t b, TrapCode& trap) { return detail::divU(a, b, trap); }
WHARF_SEM_INLINE uint64_t I64RemS(uint64_t a, uint64_t b, TrapCode& trap) { return detail::remS(a, b, trap); }
WHARF_SEM_INLINE uint64_t I64RemU(uint64_t a, uint64_t b, TrapCode& trap) { return detail::remU(a, b, trap); }
WHARF_SEM_INLINE uint64_t I64And(uint64_t a, uint64_t b) { return a & b; }
WHARF_SEM_INLINE uint64_t I64Or(uint64_t a, uint64_t b) { return a | b; }
WHARF_SEM_INLINE uint64_t I64Xor(uint64_t a, uint64_t b) { return a ^ b; }
WHARF_SEM_INLINE uint64_t I64Shl(uint64_t a, uint64_t b) { return a << (b & 63); }
WHARF_SEM_INLINE uint64_t I64ShrS(uint64_t a, uint64_t b) { return detail::shrS(a, b); }
WHARF_SEM_INLINE uint64_t I64ShrU(uint64_t a, uint64_t b) { return a >> (b & 63); }
WHARF_SEM_INLINE uint64_t I64Rotl(uint64_t a, uint64_t b) { return std::rotl(a, int(b & 63)); }
WHARF_SEM_INLINE uint64_t I64Rotr(uint64_t a, uint64_t b) { return std::rotr(a, int(b & 63)); }

// ---- f32 / f64 comparisons (ordered; any NaN makes all but `ne` false) --------
WHARF_SEM_INLINE uint32_t F32Eq(float a, float b) { return a == b; }
WHARF_SEM_INLINE uint32_t F32Ne(float a, float b) { return a != b; }
WHARF_SEM_INLINE uint32_t F32Lt(float a, float b) { return a < b; }
WHARF_SEM_INLINE uint32_t F32Gt(float a, float b) { return a > b; }
WHARF_SEM_INLINE uint32_t F32Le(float a, float b) { return a <= b; }
WHARF_SEM_INLINE uint32_t F32Ge(float a, float b) { return a >= b; }
WHARF_SEM_INLINE uint32_t F64Eq(double a, double b) { return a == b; }
WHARF_SEM_INLINE uint32_t F64Ne(double a, double b) { return a != b; }
WHARF_SEM_INLINE uint32_t F64Lt(double a, double b) { return a < b; }
WHARF_SEM_INLINE uint32_t F64Gt(double a, double b) { return a > b; }
WHARF_SEM_INLINE uint32_t F64Le(double a, double b) { return a <= b; }
WHARF_SEM_INLINE uint32_t F64Ge(double a, double b) { return a >= b; }

// ---- f32 ----------------------------------------------------------------------
WHARF_SEM_INLINE float F32Abs(float a) { return detail::fabs(a); }
WHARF_SEM_INLINE float F32Neg(float a) { return detail::fneg(a); }
WHARF_SEM_INLINE float F32Ceil(float a) { return detail::fround<detail::Round::Ceil>(a); }
WHARF_SEM_INLINE float F32Floor(float a) { return detail::fround<detail::Round::Floor>(a); }
WHARF_SEM_INLINE float F32Trunc(float a) { return detail::fround<detail::Round::Trunc>(a); }
WHARF_SEM_INLINE float F32Nearest(float a) { return detail::fround<detail::Round::Nearest>(a); }
WHARF_SEM_INLINE float F32Sqrt(float a) { return __builtin_sqrtf(a); }
WHARF_SEM_INLINE float F32Add(float a, float b) { return detail::arithNaN(a + b, a, b); }
WHARF_SEM_INLINE float F32Sub(float a, float b) { return detail::arithNaN(a - b, a, b); }
WHARF_SEM_INLINE float F32Mul(float a, float b) { return detail::arithNaN(a * b, a, b); }
WHARF_SEM_INLINE float F32Div(float a, float b) { return detail::arithNaN(a / b, a, b); }
WHARF_SEM_INLINE float F32Min(float a, float b) { return detail::fmin(a, b); }
WHARF_SEM_INLINE float F32Max(float a, float b) { return detail::fmax(a, b); }
WHARF_SEM_INLINE float F32Copysign(float a, float b) { return detail::fcopysign(a, b); }

// ---- f64 ----------------------------------------------------------------------
WHARF_SEM_INLINE double F64Abs(double a) { return detail::fabs(a); }
WHARF_SEM_INLINE double F64Neg(double a) { return detail::fneg(a); }
WHARF_SEM_INLINE double F64Ceil(double a) { return detail::fround<detail::Round::Ceil>(a); }
WHARF_SEM_INLINE double F64Floor(double a) { return detail::fround<detail::Round::Floor>(a); }
WHARF_SEM_INLINE double F64Trunc(double a) { return detail::fround<detail::Round::Trunc>(a); }
WHARF_SEM_INLINE double F64Nearest(double a) { return detail::fround<detail::Round::Nearest>(a); }
WHARF_SEM_INLINE double F64Sqrt(double a) { return __builtin_sqrt(a); }
WHARF_SEM_INLINE double F64Add(double a, double b) { return detail::arithNaN(a + b, a, b); }
WHARF_SEM_INLINE double F64Sub(double a, double b) { return detail::arithNaN(a - b, a, b); }
WHARF_SEM_INLINE double F64Mul(double a, double b) { return detail::arithNaN(a * b, a, b); }
WHARF_SEM_INLINE double F64Div(double a, double b) { return detail::arithNaN(a / b, a, b); }
WHARF_SEM_INLINE double F64Min(double a, double b) { return detail::fmin(a, b); }
WHARF_SEM_INLINE double F64Max(double a, double b) { return detail::fmax(a, b); }
WHARF_SEM_INLINE double F64Copysign(double a, double b) { return detail::fcopysign(a, b); }

// ---- conversions --------------------------------------------------------------
WHARF_SEM_INLINE uint32_t I32WrapI64(uint64_t a) { return static_cast<uint32_t>(a); }
WHARF_SEM_INLINE uint32_t I32TruncF32S(float a, TrapCode& trap) {
  return static_cast<uint32_t>(detail::truncTrap<int32_t>(a, trap));
}
WHARF_SEM_INLINE uint32_t I32TruncF32U(float a, TrapCode& trap) {
  return detail::truncTrap<uint32_t>(a, trap);
}
WHARF_SEM_INLINE uint32_t I32TruncF64S(double a, TrapCode& trap) {
  return static_cast<uint32_t>(detail::truncTrap<int32_t>(a, trap));
}
WHARF_SEM_INLINE uint32_t I32TruncF64U(double a, TrapCode& trap) {
  return detail::truncTrap<uint32_t>(a, trap);
}
WHARF_SEM_INLINE uint64_t I64ExtendI32S(uint32_t a) { return static_cast<uint64_t>(int64_t(int32_t(a))); }
WHARF_SEM_INLINE uint64_t I64ExtendI32U(uint32_t a) { return a; }
WHARF_SEM_INLINE uint64_t I64TruncF32S(float a, TrapCode& trap) {
  return static_cast<uint64_t>(detail::truncTrap<int64_t>(a, trap));
}
WHARF_SEM_INLINE uint64_t I64TruncF32U(float a, TrapCode& trap) {
  return detail::truncTrap<uint64_t>(a, trap);
}
WHARF_SEM_INLINE uint64_t I64TruncF64S(double a, TrapCode& trap) {
  return static_cast<uint64_t>(detail::truncTrap<int64_t>(a, trap));
}
WHARF_SEM_INLINE uint64_t I64TruncF64U(double a, TrapCode& trap) {
  return detail::truncTrap<uint64_t>(a, trap);
}

// int -> float casts are single correctly rounded conversions (clang lowers the
// unsigned 64-bit cases with sticky-bit halving / exact two-part sums).
WHARF_SEM_INLINE float F32ConvertI32S(uint32_t a) { return static_cast<float>(int32_t(a)); }
WHARF_SEM_INLINE float F32ConvertI32U(uint32_t a) { return static_cast<float>(a); }
WHARF_SEM_INLINE float F32ConvertI64S(uint64_t a) { return static_cast<float>(int64_t(a)); }
WHARF_SEM_INLINE float F32ConvertI64U(uint64_t a) { return static_cast<float>(a); }
// Overflow gives +-inf (IEEE; not UB for clang, whose float range includes inf).
WHARF_SEM_INLINE float F32DemoteF64(double a) { return static_cast<float>(a); }
WHARF_SEM_INLINE double F64ConvertI32S(uint32_t a) { return static_cast<double>(int32_t(a)); }
WHARF_SEM_INLINE double F64ConvertI32U(uint32_t a) { return static_cast<double>(a); }
WHARF_SEM_INLINE double F64ConvertI64S(uint64_t a) { return static_cast<double>(int64_t(a)); }
WHARF_SEM_INLINE double F64ConvertI64U(uint64_t a) { return static_cast<double>(a); }
WHARF_SEM_INLINE double F64PromoteF32(float a) { return static_cast<double>(a); }
WHARF_SEM_INLINE uint32_t I32ReinterpretF32(float a) { return std::bit_cast<uint32_t>(a); }
WHARF_SEM_INLINE uint64_t I64ReinterpretF64(double a) { return std::bit_cast<uint64_t>(a); }
WHARF_SEM_INLINE float F32ReinterpretI32(uint32_t a) { return std::bit_cast<float>(a); }
WHARF_SEM_INLINE double F64ReinterpretI64(uint64_t a) { return std::bit_cast<double>(a); }

WHARF_SEM_INLINE uint32_t I32Extend8S(uint32_t a) { return detail::sext<int8_t>(a); }
WHARF_SEM_INLINE uint32_t I32Extend16S(uint32_t a) { return detail::sext<int16_t>(a); }
WHARF_SEM_INLINE uint64_t I64Extend8S(uint64_t a) { return detail::sext<int8_t>(a); }
WHARF_SEM_INLINE uint64_t I64Extend16S(uint64_t a) { return detail::sext<int16_t>(a); }
WHARF_SEM_INLINE uint64_t I64Extend32S(uint64_t a) { return detail::sext<int32_t>(a); }

WHARF_SEM_INLINE uint32_t I32TruncSatF32S(float a) {
  return static_cast<uint32_t>(detail::truncSat<int32_t>(a));
}
WHARF_SEM_INLINE uint32_t I32TruncSatF32U(float a) { return detail::truncSat<uint32_t>(a); }
WHARF_SEM_INLINE uint32_t I32TruncSatF64S(double a) {
  return static_cast<uint32_t>(detail::truncSat<int32_t>(a));
}
WHARF_SEM_INLINE uint32_t I32TruncSatF64U(double a) { return detail::truncSat<uint32_t>(a); }
WHARF_SEM_INLINE uint64_t I64TruncSatF32S(float a) {
  return static_cast<uint64_t>(detail::truncSat<int64_t>(a));
}
WHARF_SEM_INLINE uint64_t I64TruncSatF32U(float a) { return detail::truncSat<uint64_t>(a); }
WHARF_SEM_INLINE uint64_t I64TruncSatF64S(double a) {
  return static_cast<uint64_t>(detail::truncSat<int64_t>(a));
}
WHARF_SEM_INLINE uint64_t I64TruncSatF64U(double a) { return detail::truncSat<uint64_t>(a); }

}  // namespace wharf::sem

#include "interp/semantics_simd.h"  // IWYU pragma: export
