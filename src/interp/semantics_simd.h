// Exact semantics of the fixed-width SIMD (v128) instructions; see semantics.h
// for the conventions. Written with clang vector extensions, so most ops compile
// to one or a few SSE2 instructions (and stay correct on any target); lane
// rules match the scalar ops exactly (NaN handling, -0 < +0, wrapping, counts
// taken modulo the lane width).
#pragma once

#include <cstddef>
#include <utility>

#include "interp/semantics.h"  // the mutual include is harmless: both use #pragma once

#if defined(__SSSE3__)
#include <tmmintrin.h>
#endif

namespace wharf::sem {
namespace detail {

typedef int8_t i8x16 __attribute__((vector_size(16)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef int16_t i16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef int64_t i64x2 __attribute__((vector_size(16)));
typedef uint64_t u64x2 __attribute__((vector_size(16)));
typedef float f32x4 __attribute__((vector_size(16)));
typedef double f64x2 __attribute__((vector_size(16)));
typedef bool b16 __attribute__((ext_vector_type(16)));
typedef bool b8 __attribute__((ext_vector_type(8)));
typedef bool b4 __attribute__((ext_vector_type(4)));
typedef bool b2 __attribute__((ext_vector_type(2)));

template <class Vec>
using Elem = std::remove_cvref_t<decltype(std::declval<Vec>()[0])>;
template <class Vec>
constexpr size_t kLanes = sizeof(Vec) / sizeof(Elem<Vec>);
// Same-shape vector of N lanes of T (used for half-width and widened vectors).
template <class T, size_t N>
using VecOf = T __attribute__((vector_size(sizeof(T) * N)));

template <class Vec>
WHARF_SEM_INLINE Vec as(const V128& v) {
  return __builtin_bit_cast(Vec, v);
}
template <class Vec>
WHARF_SEM_INLINE V128 out(Vec v) {
  static_assert(sizeof(Vec) == 16);
  return __builtin_bit_cast(V128, v);
}
template <class Vec>
WHARF_SEM_INLINE Vec splat(Elem<Vec> x) {
  return Vec{} + x;
}
// Lane-wise mask ? t : f, where mask lanes are all-ones or all-zeros.
template <class Vec, class Mask>
WHARF_SEM_INLINE Vec select(Mask m, Vec t, Vec f) {
  static_assert(sizeof(Mask) == 16 && sizeof(Vec) == 16);
  u64x2 mm = __builtin_bit_cast(u64x2, m);
  return __builtin_bit_cast(Vec, (mm & __builtin_bit_cast(u64x2, t)) | (~mm & __builtin_bit_cast(u64x2, f)));
}

// Lanes Offset, Offset+Stride, ... (N of them) of v.
template <size_t Offset, size_t Stride, class Vec, size_t... I>
WHARF_SEM_INLINE auto pick(Vec v, std::index_sequence<I...>) {
  return __builtin_shufflevector(v, v, (Offset + Stride * I)...);
}
template <class Vec>
WHARF_SEM_INLINE auto lowHalf(Vec v) {
  return pick<0, 1>(v, std::make_index_sequence<kLanes<Vec> / 2>{});
}
template <class Vec>
WHARF_SEM_INLINE auto highHalf(Vec v) {
  return pick<kLanes<Vec> / 2, 1>(v, std::make_index_sequence<kLanes<Vec> / 2>{});
}
template <class Vec>
WHARF_SEM_INLINE auto evenLanes(Vec v) {
  return pick<0, 2>(v, std::make_index_sequence<kLanes<Vec> / 2>{});
}
template <class Vec>
WHARF_SEM_INLINE auto oddLanes(Vec v) {
  return pick<1, 2>(v, std::make_index_sequence<kLanes<Vec> / 2>{});
}
template <class Half, size_t... I>
WHARF_SEM_INLINE auto concatImpl(Half lo, Half hi, std::index_sequence<I...>) {
  return __builtin_shufflevector(lo, hi, I...);
}
template <class Half>
WHARF_SEM_INLINE auto concat(Half lo, Half hi) {
  return concatImpl(lo, hi, std::make_index_sequence<kLanes<Half> * 2>{});
}
// Converts each lane of a half-width vector to the wide lane type W (sign- or
// zero-extension, by the source lane's signedness).
template <class W, class Half>
WHARF_SEM_INLINE auto widen(Half h) {
  return __builtin_convertvector(h, VecOf<W, kLanes<Half>>);
}

template <class S, class U>  // S/U: signed/unsigned vector of one shape
WHARF_SEM_INLINE V128 iabs(V128 a) {
  U u = as<U>(a);
  return out(select(as<S>(a) < 0, U{} - u, u));  // wraps for INT_MIN, like Wasm
}
template <class S>
WHARF_SEM_INLINE uint32_t allTrue(V128 a) {
  return __builtin_reduce_and(as<S>(a) != 0) != 0;
}

// Saturating narrow of a and b (lanes of Wide) into lanes of Narrow.
template <class Wide, class NarrowElem>
WHARF_SEM_INLINE V128 narrow(V128 a, V128 b) {
  using W = Elem<Wide>;
  constexpr W lo = std::numeric_limits<NarrowElem>::min(), hi = std::numeric_limits<NarrowElem>::max();
  auto clampTo = [](Wide x) {
    x = __builtin_elementwise_max(x, splat<Wide>(lo));
    x = __builtin_elementwise_min(x, splat<Wide>(hi));
    return __builtin_convertvector(x, VecOf<NarrowElem, kLanes<Wide>>);
  };
  return out(concat(clampTo(as<Wide>(a)), clampTo(as<Wide>(b))));
}

template <class FV>
using BitsVec = VecOf<typename FloatTraits<Elem<FV>>::Bits, kLanes<FV>>;

template <class FV>
WHARF_SEM_INLINE V128 vabs(V128 a) {
  using UV = BitsVec<FV>;
  return out(as<UV>(a) & ~splat<UV>(FloatTraits<Elem<FV>>::kSign));
}
template <class FV>
WHARF_SEM_INLINE V128 vneg(V128 a) {
  using UV = BitsVec<FV>;
  return out(as<UV>(a) ^ splat<UV>(FloatTraits<Elem<FV>>::kSign));
}
template <class FV>
WHARF_SEM_INLINE FV vcopysign(FV mag, FV sign) {
  using UV = BitsVec<FV>;
  UV s = splat<UV>(FloatTraits<Elem<FV>>::kSign);
  return __builtin_bit_cast(FV, (__builtin_bit_cast(UV, mag) & ~s) | (__builtin_bit_cast(UV, sign) & s));
}

// Lane-wise detail::fmin / fmax (see semantics.h), branch-free.
template <class FV, bool isMin>
WHARF_SEM_INLINE V128 vminmax(V128 va, V128 vb) {
  using UV = BitsVec<FV>;
  FV a = as<FV>(va), b = as<FV>(vb);
  UV ua = as<UV>(va), ub = as<UV>(vb);
  // Equal lanes: identical bits, or +-0 where the sign bit decides.
  UV r = isMin ? (ua | ub) : (ua & ub);
  r = select(isMin ? (b < a) : (b > a), ub, r);
  r = select(isMin ? (a < b) : (a > b), ua, r);
  r = select((a != a) | (b != b), splat<UV>(FloatTraits<Elem<FV>>::kCanonicalNaN), r);
  return out(r);
}

// Lane-wise detail::fround (see semantics.h), branch-free.
template <Round mode, class FV>
WHARF_SEM_INLINE V128 vround(V128 v) {
  using F = Elem<FV>;
  FV x = as<FV>(v);
  FV ax = as<FV>(vabs<FV>(v));
  FV k = splat<FV>(FloatTraits<F>::kIntegral);
  FV one = splat<FV>(F(1));
  FV r = (ax + k) - k;
  if constexpr (mode == Round::Trunc) {
    r = select(r > ax, r - one, r);
  } else if constexpr (mode == Round::Floor) {
    r = vcopysign(r, x);
    r = select(r > x, r - one, r);
  } else if constexpr (mode == Round::Ceil) {
    r = vcopysign(r, x);
    r = select(r < x, r + one, r);
  }
  // Large magnitudes are integral already: keep |x|. (Selecting before the
  // final copysign also sidesteps LLVM issue #157929, a wrong vpternlog
  // immediate that clang <= 21 emits for the other order with AVX-512.)
  r = select(ax < k, r, ax);
  r = vcopysign(r, x);
  r = select(x != x, __builtin_bit_cast(FV, splat<BitsVec<FV>>(FloatTraits<F>::kCanonicalNaN)), r);
  return out(r);
}

}  // namespace detail

// ---- shuffles, splats, lanes --------------------------------------------------
// `lanes` holds 16 validated indices < 32 into the concatenation a:b.
WHARF_SEM_INLINE V128 I8x16Shuffle(V128 a, V128 b, const V128& lanes) {
#if defined(__SSSE3__)
  // pshufb zeroes a byte whose index has bit 7 set: pick a's bytes with
  // indices 0..15 (16..31 saturate to >= 0x80) and b's with 16..31 (0..15
  // wrap to >= 0xf0), then merge.
  __m128i idx = _mm_and_si128(__builtin_bit_cast(__m128i, lanes), _mm_set1_epi8(31));
  __m128i fromA = _mm_shuffle_epi8(__builtin_bit_cast(__m128i, a), _mm_adds_epu8(idx, _mm_set1_epi8(0x70)));
  __m128i fromB = _mm_shuffle_epi8(__builtin_bit_cast(__m128i, b), _mm_sub_epi8(idx, _mm_set1_epi8(16)));
  return __builtin_bit_cast(V128, _mm_or_si128(fromA, fromB));
#else
  uint8_t both[32];
  __builtin_memcpy(both, a.bytes.data(), 16);
  __builtin_memcpy(both + 16, b.bytes.data(), 16);
  V128 r;
  for (int i = 0; i < 16; ++i) r.bytes[i] = both[lanes.bytes[i] & 31];
  return r;
#endif
}
// Indices >= 16 select 0.
WHARF_SEM_INLINE V128 I8x16Swizzle(V128 a, V128 s) {
#if defined(__SSSE3__)
  __m128i idx = _mm_adds_epu8(__builtin_bit_cast(__m128i, s), _mm_set1_epi8(0x70));  // >= 16 -> bit 7 set
  return __builtin_bit_cast(V128, _mm_shuffle_epi8(__builtin_bit_cast(__m128i, a), idx));
#else
  uint8_t table[17] = {};  // a, then the 0 that every out-of-range index reads
  __builtin_memcpy(table, a.bytes.data(), 16);
  V128 r;
  for (int i = 0; i < 16; ++i) r.bytes[i] = table[s.bytes[i] < 16 ? s.bytes[i] : 16];
  return r;
#endif
}

WHARF_SEM_INLINE V128 I8x16Splat(uint32_t x) { return detail::out(detail::splat<detail::u8x16>(uint8_t(x))); }
WHARF_SEM_INLINE V128 I16x8Splat(uint32_t x) {
  return detail::out(detail::splat<detail::u16x8>(uint16_t(x)));
}
WHARF_SEM_INLINE V128 I32x4Splat(uint32_t x) { return detail::out(detail::splat<detail::u32x4>(x)); }
WHARF_SEM_INLINE V128 I64x2Splat(uint64_t x) { return detail::out(detail::splat<detail::u64x2>(x)); }
// Float splats/lanes move bits, so NaN payloads (even signaling) are kept.
WHARF_SEM_INLINE V128 F32x4Splat(float x) { return I32x4Splat(std::bit_cast<uint32_t>(x)); }
WHARF_SEM_INLINE V128 F64x2Splat(double x) { return I64x2Splat(std::bit_cast<uint64_t>(x)); }

WHARF_SEM_INLINE uint32_t I8x16ExtractLaneS(V128 a, uint32_t lane) {
  return uint32_t(int32_t(detail::as<detail::i8x16>(a)[lane]));
}
WHARF_SEM_INLINE uint32_t I8x16ExtractLaneU(V128 a, uint32_t lane) {
  return detail::as<detail::u8x16>(a)[lane];
}
WHARF_SEM_INLINE uint32_t I16x8ExtractLaneS(V128 a, uint32_t lane) {
  return uint32_t(int32_t(detail::as<detail::i16x8>(a)[lane]));
}
WHARF_SEM_INLINE uint32_t I16x8ExtractLaneU(V128 a, uint32_t lane) {
  return detail::as<detail::u16x8>(a)[lane];
}
WHARF_SEM_INLINE uint32_t I32x4ExtractLane(V128 a, uint32_t lane) {
  return detail::as<detail::u32x4>(a)[lane];
}
WHARF_SEM_INLINE uint64_t I64x2ExtractLane(V128 a, uint32_t lane) {
  return detail::as<detail::u64x2>(a)[lane];
}
WHARF_SEM_INLINE float F32x4ExtractLane(V128 a, uint32_t lane) {
  return std::bit_cast<float>(I32x4ExtractLane(a, lane));
}
WHARF_SEM_INLINE double F64x2ExtractLane(V128 a, uint32_t lane) {
  return std::bit_cast<double>(I64x2ExtractLane(a, lane));
}

WHARF_SEM_INLINE V128 I8x16ReplaceLane(V128 a, uint32_t x, uint32_t lane) {
  auto v = detail::as<detail::u8x16>(a);
  v[lane] = uint8_t(x);
  return detail::out(v);
}
WHARF_SEM_INLINE V128 I16x8ReplaceLane(V128 a, uint32_t x, uint32_t lane) {
  auto v = detail::as<detail::u16x8>(a);
  v[lane] = uint16_t(x);
  return detail::out(v);
}
WHARF_SEM_INLINE V128 I32x4ReplaceLane(V128 a, uint32_t x, uint32_t lane) {
  auto v = detail::as<detail::u32x4>(a);
  v[lane] = x;
  return detail::out(v);
}
WHARF_SEM_INLINE V128 I64x2ReplaceLane(V128 a, uint64_t x, uint32_t lane) {
  auto v = detail::as<detail::u64x2>(a);
  v[lane] = x;
  return detail::out(v);
}
WHARF_SEM_INLINE V128 F32x4ReplaceLane(V128 a, float x, uint32_t lane) {
  return I32x4ReplaceLane(a, std::bit_cast<uint32_t>(x), lane);
}
WHARF_SEM_INLINE V128 F64x2ReplaceLane(V128 a, double x, uint32_t lane) {
  return I64x2ReplaceLane(a, std::bit_cast<uint64_t>(x), lane);
}

// ---- comparisons: all-ones lanes for true --------------------------------------
#define WHARF_SEM_CMP(Name, Vec, op)                                              \
  WHARF_SEM_INLINE V128 Name(V128 a, V128 b) {                                    \
    return detail::out(detail::as<detail::Vec>(a) op detail::as<detail::Vec>(b)); \
  }
WHARF_SEM_CMP(I8x16Eq, u8x16, ==)
WHARF_SEM_CMP(I8x16Ne, u8x16, !=)
WHARF_SEM_CMP(I8x16LtS, i8x16, <)
WHARF_SEM_CMP(I8x16LtU, u8x16, <)
WHARF_SEM_CMP(I8x16GtS, i8x16, >)
WHARF_SEM_CMP(I8x16GtU, u8x16, >)
WHARF_SEM_CMP(I8x16LeS, i8x16, <=)
WHARF_SEM_CMP(I8x16LeU, u8x16, <=)
WHARF_SEM_CMP(I8x16GeS, i8x16, >=)
WHARF_SEM_CMP(I8x16GeU, u8x16, >=)
WHARF_SEM_CMP(I16x8Eq, u16x8, ==)
WHARF_SEM_CMP(I16x8Ne, u16x8, !=)
WHARF_SEM_CMP(I16x8LtS, i16x8, <)
WHARF_SEM_CMP(I16x8LtU, u16x8, <)
WHARF_SEM_CMP(I16x8GtS, i16x8, >)
WHARF_SEM_CMP(I16x8GtU, u16x8, >)
WHARF_SEM_CMP(I16x8LeS, i16x8, <=)
WHARF_SEM_CMP(I16x8LeU, u16x8, <=)
WHARF_SEM_CMP(I16x8GeS, i16x8, >=)
WHARF_SEM_CMP(I16x8GeU, u16x8, >=)
WHARF_SEM_CMP(I32x4Eq, u32x4, ==)
WHARF_SEM_CMP(I32x4Ne, u32x4, !=)
WHARF_SEM_CMP(I32x4LtS, i32x4, <)
WHARF_SEM_CMP(I32x4LtU, u32x4, <)
WHARF_SEM_CMP(I32x4GtS, i32x4, >)
WHARF_SEM_CMP(I32x4GtU, u32x4, >)
WHARF_SEM_CMP(I32x4LeS, i32x4, <=)
WHARF_SEM_CMP(I32x4LeU, u32x4, <=)
WHARF_SEM_CMP(I32x4GeS, i32x4, >=)
WHARF_SEM_CMP(I32x4GeU, u32x4, >=)
WHARF_SEM_CMP(I64x2Eq, u64x2, ==)
WHARF_SEM_CMP(I64x2Ne, u64x2, !=)
WHARF_SEM_CMP(I64x2LtS, i64x2, <)
WHARF_SEM_CMP(I64x2GtS, i64x2, >)
WHARF_SEM_CMP(I64x2LeS, i64x2, <=)
WHARF_SEM_CMP(I64x2GeS, i64x2, >=)
// Float compares are IEEE: ordered, except ne which is true for NaN lanes.
WHARF_SEM_CMP(F32x4Eq, f32x4, ==)
WHARF_SEM_CMP(F32x4Ne, f32x4, !=)
WHARF_SEM_CMP(F32x4Lt, f32x4, <)
WHARF_SEM_CMP(F32x4Gt, f32x4, >)
WHARF_SEM_CMP(F32x4Le, f32x4, <=)
WHARF_SEM_CMP(F32x4Ge, f32x4, >=)
WHARF_SEM_CMP(F64x2Eq, f64x2, ==)
WHARF_SEM_CMP(F64x2Ne, f64x2, !=)
WHARF_SEM_CMP(F64x2Lt, f64x2, <)
WHARF_SEM_CMP(F64x2Gt, f64x2, >)
WHARF_SEM_CMP(F64x2Le, f64x2, <=)
WHARF_SEM_CMP(F64x2Ge, f64x2, >=)
#undef WHARF_SEM_CMP

// ---- bitwise --------------------------------------------------------------------
WHARF_SEM_INLINE V128 V128Not(V128 a) { return detail::out(~detail::as<detail::u64x2>(a)); }
WHARF_SEM_INLINE V128 V128And(V128 a, V128 b) {
  return detail::out(detail::as<detail::u64x2>(a) & detail::as<detail::u64x2>(b));
}
WHARF_SEM_INLINE V128 V128Andnot(V128 a, V128 b) {
  return detail::out(detail::as<detail::u64x2>(a) & ~detail::as<detail::u64x2>(b));
}
WHARF_SEM_INLINE V128 V128Or(V128 a, V128 b) {
  return detail::out(detail::as<detail::u64x2>(a) | detail::as<detail::u64x2>(b));
}
WHARF_SEM_INLINE V128 V128Xor(V128 a, V128 b) {
  return detail::out(detail::as<detail::u64x2>(a) ^ detail::as<detail::u64x2>(b));
}
// Bits of a where c is 1, bits of b where c is 0.
WHARF_SEM_INLINE V128 V128Bitselect(V128 a, V128 b, V128 c) {
  auto m = detail::as<detail::u64x2>(c);
  return detail::out((detail::as<detail::u64x2>(a) & m) | (detail::as<detail::u64x2>(b) & ~m));
}
WHARF_SEM_INLINE uint32_t V128AnyTrue(V128 a) {
  return __builtin_reduce_or(detail::as<detail::u64x2>(a)) != 0;
}

// ---- lane-wise integer arithmetic -----------------------------------------------
// Arithmetic runs on unsigned lanes so that overflow wraps (no UB).
#define WHARF_SEM_BIN(Name, Vec, expr)                     \
  WHARF_SEM_INLINE V128 Name(V128 va, V128 vb) {           \
    [[maybe_unused]] auto a = detail::as<detail::Vec>(va); \
    [[maybe_unused]] auto b = detail::as<detail::Vec>(vb); \
    return detail::out(expr);                              \
  }
WHARF_SEM_BIN(I8x16Add, u8x16, a + b)
WHARF_SEM_BIN(I8x16Sub, u8x16, a - b)
WHARF_SEM_BIN(I8x16AddSatS, i8x16, __builtin_elementwise_add_sat(a, b))
WHARF_SEM_BIN(I8x16AddSatU, u8x16, __builtin_elementwise_add_sat(a, b))
WHARF_SEM_BIN(I8x16SubSatS, i8x16, __builtin_elementwise_sub_sat(a, b))
WHARF_SEM_BIN(I8x16SubSatU, u8x16, __builtin_elementwise_sub_sat(a, b))
WHARF_SEM_BIN(I8x16MinS, i8x16, __builtin_elementwise_min(a, b))
WHARF_SEM_BIN(I8x16MinU, u8x16, __builtin_elementwise_min(a, b))
WHARF_SEM_BIN(I8x16MaxS, i8x16, __builtin_elementwise_max(a, b))
WHARF_SEM_BIN(I8x16MaxU, u8x16, __builtin_elementwise_max(a, b))
// (a + b + 1) >> 1 without widening.
WHARF_SEM_BIN(I8x16AvgrU, u8x16, (a | b) - ((a ^ b) >> 1))
WHARF_SEM_BIN(I16x8Add, u16x8, a + b)
WHARF_SEM_BIN(I16x8Sub, u16x8, a - b)
WHARF_SEM_BIN(I16x8Mul, u16x8, a* b)
WHARF_SEM_BIN(I16x8AddSatS, i16x8, __builtin_elementwise_add_sat(a, b))
WHARF_SEM_BIN(I16x8AddSatU, u16x8, __builtin_elementwise_add_sat(a, b))
WHARF_SEM_BIN(I16x8SubSatS, i16x8, __builtin_elementwise_sub_sat(a, b))
WHARF_SEM_BIN(I16x8SubSatU, u16x8, __builtin_elementwise_sub_sat(a, b))
WHARF_SEM_BIN(I16x8MinS, i16x8, __builtin_elementwise_min(a, b))
WHARF_SEM_BIN(I16x8MinU, u16x8, __builtin_elementwise_min(a, b))
WHARF_SEM_BIN(I16x8MaxS, i16x8, __builtin_elementwise_max(a, b))
WHARF_SEM_BIN(I16x8MaxU, u16x8, __builtin_elementwise_max(a, b))
WHARF_SEM_BIN(I16x8AvgrU, u16x8, (a | b) - ((a ^ b) >> 1))
WHARF_SEM_BIN(I32x4Add, u32x4, a + b)
WHARF_SEM_BIN(I32x4Sub, u32x4, a - b)
WHARF_SEM_BIN(I32x4Mul, u32x4, a* b)
WHARF_SEM_BIN(I32x4MinS, i32x4, __builtin_elementwise_min(a, b))
WHARF_SEM_BIN(I32x4MinU, u32x4, __builtin_elementwise_min(a, b))
WHARF_SEM_BIN(I32x4MaxS, i32x4, __builtin_elementwise_max(a, b))
WHARF_SEM_BIN(I32x4MaxU, u32x4, __builtin_elementwise_max(a, b))
WHARF_SEM_BIN(I64x2Add, u64x2, a + b)
WHARF_SEM_BIN(I64x2Sub, u64x2, a - b)
WHARF_SEM_BIN(I64x2Mul, u64x2, a* b)

// Products of widened lanes always fit the wide lane, so no overflow here.
WHARF_SEM_BIN(I16x8ExtmulLowI8x16S, i8x16,
              detail::widen<int16_t>(detail::lowHalf(a)) * detail::widen<int16_t>(detail::lowHalf(b)))
WHARF_SEM_BIN(I16x8ExtmulHighI8x16S, i8x16,
              detail::widen<int16_t>(detail::highHalf(a)) * detail::widen<int16_t>(detail::highHalf(b)))
WHARF_SEM_BIN(I16x8ExtmulLowI8x16U, u8x16,
              detail::widen<uint16_t>(detail::lowHalf(a)) * detail::widen<uint16_t>(detail::lowHalf(b)))
WHARF_SEM_BIN(I16x8ExtmulHighI8x16U, u8x16,
              detail::widen<uint16_t>(detail::highHalf(a)) * detail::widen<uint16_t>(detail::highHalf(b)))
WHARF_SEM_BIN(I32x4ExtmulLowI16x8S, i16x8,
              detail::widen<int32_t>(detail::lowHalf(a)) * detail::widen<int32_t>(detail::lowHalf(b)))
WHARF_SEM_BIN(I32x4ExtmulHighI16x8S, i16x8,
              detail::widen<int32_t>(detail::highHalf(a)) * detail::widen<int32_t>(detail::highHalf(b)))
WHARF_SEM_BIN(I32x4ExtmulLowI16x8U, u16x8,
              detail::widen<uint32_t>(detail::lowHalf(a)) * detail::widen<uint32_t>(detail::lowHalf(b)))
WHARF_SEM_BIN(I32x4ExtmulHighI16x8U, u16x8,
              detail::widen<uint32_t>(detail::highHalf(a)) * detail::widen<uint32_t>(detail::highHalf(b)))
WHARF_SEM_BIN(I64x2ExtmulLowI32x4S, i32x4,
              detail::widen<int64_t>(detail::lowHalf(a)) * detail::widen<int64_t>(detail::lowHalf(b)))
WHARF_SEM_BIN(I64x2ExtmulHighI32x4S, i32x4,
              detail::widen<int64_t>(detail::highHalf(a)) * detail::widen<int64_t>(detail::highHalf(b)))
WHARF_SEM_BIN(I64x2ExtmulLowI32x4U, u32x4,
              detail::widen<uint64_t>(detail::lowHalf(a)) * detail::widen<uint64_t>(detail::lowHalf(b)))
WHARF_SEM_BIN(I64x2ExtmulHighI32x4U, u32x4,
              detail::widen<uint64_t>(detail::highHalf(a)) * detail::widen<uint64_t>(detail::highHalf(b)))
#undef WHARF_SEM_BIN

// Each product fits in i32; only the sum can wrap ((-2^15)^2 * 2 = 2^31).
WHARF_SEM_INLINE V128 I32x4DotI16x8S(V128 va, V128 vb) {
  using namespace detail;
  auto a = as<i16x8>(va), b = as<i16x8>(vb);
  i32x4 even = widen<int32_t>(evenLanes(a)) * widen<int32_t>(evenLanes(b));
  i32x4 odd = widen<int32_t>(oddLanes(a)) * widen<int32_t>(oddLanes(b));
  return out(u32x4(even) + u32x4(odd));
}
// sat((a * b + 2^14) >> 15); only (-2^15)^2 saturates.
WHARF_SEM_INLINE V128 I16x8Q15mulrSatS(V128 va, V128 vb) {
  using namespace detail;
  auto a = as<i16x8>(va), b = as<i16x8>(vb);
  auto half = [](i32x4 x, i32x4 y) {
    i32x4 r = (x * y + 0x4000) >> 15;
    return __builtin_convertvector(__builtin_elementwise_min(r, splat<i32x4>(0x7fff)), VecOf<int16_t, 4>);
  };
  return out(concat(half(widen<int32_t>(lowHalf(a)), widen<int32_t>(lowHalf(b))),
                    half(widen<int32_t>(highHalf(a)), widen<int32_t>(highHalf(b)))));
}

WHARF_SEM_INLINE V128 I16x8ExtaddPairwiseI8x16S(V128 v) {
  auto a = detail::as<detail::i8x16>(v);
  return detail::out(detail::widen<int16_t>(detail::evenLanes(a)) +
                     detail::widen<int16_t>(detail::oddLanes(a)));
}
WHARF_SEM_INLINE V128 I16x8ExtaddPairwiseI8x16U(V128 v) {
  auto a = detail::as<detail::u8x16>(v);
  return detail::out(detail::widen<uint16_t>(detail::evenLanes(a)) +
                     detail::widen<uint16_t>(detail::oddLanes(a)));
}
WHARF_SEM_INLINE V128 I32x4ExtaddPairwiseI16x8S(V128 v) {
  auto a = detail::as<detail::i16x8>(v);
  return detail::out(detail::widen<int32_t>(detail::evenLanes(a)) +
                     detail::widen<int32_t>(detail::oddLanes(a)));
}
WHARF_SEM_INLINE V128 I32x4ExtaddPairwiseI16x8U(V128 v) {
  auto a = detail::as<detail::u16x8>(v);
  return detail::out(detail::widen<uint32_t>(detail::evenLanes(a)) +
                     detail::widen<uint32_t>(detail::oddLanes(a)));
}

#define WHARF_SEM_EXTEND(Name, Src, Wide, half)                                        \
  WHARF_SEM_INLINE V128 Name(V128 a) {                                                 \
    return detail::out(detail::widen<Wide>(detail::half(detail::as<detail::Src>(a)))); \
  }
WHARF_SEM_EXTEND(I16x8ExtendLowI8x16S, i8x16, int16_t, lowHalf)
WHARF_SEM_EXTEND(I16x8ExtendHighI8x16S, i8x16, int16_t, highHalf)
WHARF_SEM_EXTEND(I16x8ExtendLowI8x16U, u8x16, uint16_t, lowHalf)
WHARF_SEM_EXTEND(I16x8ExtendHighI8x16U, u8x16, uint16_t, highHalf)
WHARF_SEM_EXTEND(I32x4ExtendLowI16x8S, i16x8, int32_t, lowHalf)
WHARF_SEM_EXTEND(I32x4ExtendHighI16x8S, i16x8, int32_t, highHalf)
WHARF_SEM_EXTEND(I32x4ExtendLowI16x8U, u16x8, uint32_t, lowHalf)
WHARF_SEM_EXTEND(I32x4ExtendHighI16x8U, u16x8, uint32_t, highHalf)
WHARF_SEM_EXTEND(I64x2ExtendLowI32x4S, i32x4, int64_t, lowHalf)
WHARF_SEM_EXTEND(I64x2ExtendHighI32x4S, i32x4, int64_t, highHalf)
WHARF_SEM_EXTEND(I64x2ExtendLowI32x4U, u32x4, uint64_t, lowHalf)
WHARF_SEM_EXTEND(I64x2ExtendHighI32x4U, u32x4, uint64_t, highHalf)
#undef WHARF_SEM_EXTEND

WHARF_SEM_INLINE V128 I8x16NarrowI16x8S(V128 a, V128 b) {
  return detail::narrow<detail::i16x8, int8_t>(a, b);
}
WHARF_SEM_INLINE V128 I8x16NarrowI16x8U(V128 a, V128 b) {
  return detail::narrow<detail::i16x8, uint8_t>(a, b);
}
WHARF_SEM_INLINE V128 I16x8NarrowI32x4S(V128 a, V128 b) {
  return detail::narrow<detail::i32x4, int16_t>(a, b);
}
WHARF_SEM_INLINE V128 I16x8NarrowI32x4U(V128 a, V128 b) {
  return detail::narrow<detail::i32x4, uint16_t>(a, b);
}

WHARF_SEM_INLINE V128 I8x16Abs(V128 a) { return detail::iabs<detail::i8x16, detail::u8x16>(a); }
WHARF_SEM_INLINE V128 I16x8Abs(V128 a) { return detail::iabs<detail::i16x8, detail::u16x8>(a); }
WHARF_SEM_INLINE V128 I32x4Abs(V128 a) { return detail::iabs<detail::i32x4, detail::u32x4>(a); }
WHARF_SEM_INLINE V128 I64x2Abs(V128 a) { return detail::iabs<detail::i64x2, detail::u64x2>(a); }
WHARF_SEM_INLINE V128 I8x16Neg(V128 a) { return detail::out(detail::u8x16{} - detail::as<detail::u8x16>(a)); }
WHARF_SEM_INLINE V128 I16x8Neg(V128 a) { return detail::out(detail::u16x8{} - detail::as<detail::u16x8>(a)); }
WHARF_SEM_INLINE V128 I32x4Neg(V128 a) { return detail::out(detail::u32x4{} - detail::as<detail::u32x4>(a)); }
WHARF_SEM_INLINE V128 I64x2Neg(V128 a) { return detail::out(detail::u64x2{} - detail::as<detail::u64x2>(a)); }
WHARF_SEM_INLINE V128 I8x16Popcnt(V128 v) {
  auto x = detail::as<detail::u8x16>(v);  // SWAR popcount per byte
  x = x - ((x >> 1) & uint8_t(0x55));
  x = (x & uint8_t(0x33)) + ((x >> 2) & uint8_t(0x33));
  return detail::out((x + (x >> 4)) & uint8_t(0x0f));
}

WHARF_SEM_INLINE uint32_t I8x16AllTrue(V128 a) { return detail::allTrue<detail::i8x16>(a); }
WHARF_SEM_INLINE uint32_t I16x8AllTrue(V128 a) { return detail::allTrue<detail::i16x8>(a); }
WHARF_SEM_INLINE uint32_t I32x4AllTrue(V128 a) { return detail::allTrue<detail::i32x4>(a); }
WHARF_SEM_INLINE uint32_t I64x2AllTrue(V128 a) { return detail::allTrue<detail::i64x2>(a); }
// Top bit of each lane -> bit i (bool vectors lower to pmovmskb/movmskps).
WHARF_SEM_INLINE uint32_t I8x16Bitmask(V128 a) {
  return __builtin_bit_cast(uint16_t, __builtin_convertvector(detail::as<detail::i8x16>(a) < 0, detail::b16));
}
WHARF_SEM_INLINE uint32_t I16x8Bitmask(V128 a) {
  return __builtin_bit_cast(uint8_t, __builtin_convertvector(detail::as<detail::i16x8>(a) < 0, detail::b8));
}
WHARF_SEM_INLINE uint32_t I32x4Bitmask(V128 a) {
  return __builtin_bit_cast(uint8_t, __builtin_convertvector(detail::as<detail::i32x4>(a) < 0, detail::b4)) &
         0xfu;
}
WHARF_SEM_INLINE uint32_t I64x2Bitmask(V128 a) {
  return __builtin_bit_cast(uint8_t, __builtin_convertvector(detail::as<detail::i64x2>(a) < 0, detail::b2)) &
         0x3u;
}

// Shift counts are taken modulo the lane width.
WHARF_SEM_INLINE V128 I8x16Shl(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::u8x16>(a) << uint8_t(n & 7));
}
WHARF_SEM_INLINE V128 I8x16ShrS(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::i8x16>(a) >> int8_t(n & 7));
}
WHARF_SEM_INLINE V128 I8x16ShrU(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::u8x16>(a) >> uint8_t(n & 7));
}
WHARF_SEM_INLINE V128 I16x8Shl(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::u16x8>(a) << uint16_t(n & 15));
}
WHARF_SEM_INLINE V128 I16x8ShrS(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::i16x8>(a) >> int16_t(n & 15));
}
WHARF_SEM_INLINE V128 I16x8ShrU(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::u16x8>(a) >> uint16_t(n & 15));
}
WHARF_SEM_INLINE V128 I32x4Shl(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::u32x4>(a) << (n & 31));
}
WHARF_SEM_INLINE V128 I32x4ShrS(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::i32x4>(a) >> int32_t(n & 31));
}
WHARF_SEM_INLINE V128 I32x4ShrU(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::u32x4>(a) >> (n & 31));
}
WHARF_SEM_INLINE V128 I64x2Shl(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::u64x2>(a) << uint64_t(n & 63));
}
WHARF_SEM_INLINE V128 I64x2ShrS(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::i64x2>(a) >> int64_t(n & 63));
}
WHARF_SEM_INLINE V128 I64x2ShrU(V128 a, uint32_t n) {
  return detail::out(detail::as<detail::u64x2>(a) >> uint64_t(n & 63));
}

// ---- lane-wise float arithmetic ---------------------------------------------------
#define WHARF_SEM_FBIN(Name, Vec, op)                                             \
  WHARF_SEM_INLINE V128 Name(V128 a, V128 b) {                                    \
    return detail::out(detail::as<detail::Vec>(a) op detail::as<detail::Vec>(b)); \
  }
WHARF_SEM_FBIN(F32x4Add, f32x4, +)
WHARF_SEM_FBIN(F32x4Sub, f32x4, -)
WHARF_SEM_FBIN(F32x4Mul, f32x4, *)
WHARF_SEM_FBIN(F32x4Div, f32x4, /)
WHARF_SEM_FBIN(F64x2Add, f64x2, +)
WHARF_SEM_FBIN(F64x2Sub, f64x2, -)
WHARF_SEM_FBIN(F64x2Mul, f64x2, *)
WHARF_SEM_FBIN(F64x2Div, f64x2, /)
#undef WHARF_SEM_FBIN

WHARF_SEM_INLINE V128 F32x4Sqrt(V128 a) {
  return detail::out(__builtin_elementwise_sqrt(detail::as<detail::f32x4>(a)));
}
WHARF_SEM_INLINE V128 F64x2Sqrt(V128 a) {
  return detail::out(__builtin_elementwise_sqrt(detail::as<detail::f64x2>(a)));
}
WHARF_SEM_INLINE V128 F32x4Abs(V128 a) { return detail::vabs<detail::f32x4>(a); }
WHARF_SEM_INLINE V128 F64x2Abs(V128 a) { return detail::vabs<detail::f64x2>(a); }
WHARF_SEM_INLINE V128 F32x4Neg(V128 a) { return detail::vneg<detail::f32x4>(a); }
WHARF_SEM_INLINE V128 F64x2Neg(V128 a) { return detail::vneg<detail::f64x2>(a); }
WHARF_SEM_INLINE V128 F32x4Min(V128 a, V128 b) { return detail::vminmax<detail::f32x4, true>(a, b); }
WHARF_SEM_INLINE V128 F32x4Max(V128 a, V128 b) { return detail::vminmax<detail::f32x4, false>(a, b); }
WHARF_SEM_INLINE V128 F64x2Min(V128 a, V128 b) { return detail::vminmax<detail::f64x2, true>(a, b); }
WHARF_SEM_INLINE V128 F64x2Max(V128 a, V128 b) { return detail::vminmax<detail::f64x2, false>(a, b); }
// Pseudo-min/max are pure selections: pmin = b < a ? b : a, pmax = a < b ? b : a.
// NaN lanes are passed through bit-exactly.
WHARF_SEM_INLINE V128 F32x4Pmin(V128 a, V128 b) {
  auto x = detail::as<detail::f32x4>(a), y = detail::as<detail::f32x4>(b);
  return detail::out(detail::select(y < x, detail::as<detail::u32x4>(b), detail::as<detail::u32x4>(a)));
}
WHARF_SEM_INLINE V128 F32x4Pmax(V128 a, V128 b) {
  auto x = detail::as<detail::f32x4>(a), y = detail::as<detail::f32x4>(b);
  return detail::out(detail::select(x < y, detail::as<detail::u32x4>(b), detail::as<detail::u32x4>(a)));
}
WHARF_SEM_INLINE V128 F64x2Pmin(V128 a, V128 b) {
  auto x = detail::as<detail::f64x2>(a), y = detail::as<detail::f64x2>(b);
  return detail::out(detail::select(y < x, detail::as<detail::u64x2>(b), detail::as<detail::u64x2>(a)));
}
WHARF_SEM_INLINE V128 F64x2Pmax(V128 a, V128 b) {
  auto x = detail::as<detail::f64x2>(a), y = detail::as<detail::f64x2>(b);
  return detail::out(detail::select(x < y, detail::as<detail::u64x2>(b), detail::as<detail::u64x2>(a)));
}

WHARF_SEM_INLINE V128 F32x4Ceil(V128 a) { return detail::vround<detail::Round::Ceil, detail::f32x4>(a); }
WHARF_SEM_INLINE V128 F32x4Floor(V128 a) { return detail::vround<detail::Round::Floor, detail::f32x4>(a); }
WHARF_SEM_INLINE V128 F32x4Trunc(V128 a) { return detail::vround<detail::Round::Trunc, detail::f32x4>(a); }
WHARF_SEM_INLINE V128 F32x4Nearest(V128 a) {
  return detail::vround<detail::Round::Nearest, detail::f32x4>(a);
}
WHARF_SEM_INLINE V128 F64x2Ceil(V128 a) { return detail::vround<detail::Round::Ceil, detail::f64x2>(a); }
WHARF_SEM_INLINE V128 F64x2Floor(V128 a) { return detail::vround<detail::Round::Floor, detail::f64x2>(a); }
WHARF_SEM_INLINE V128 F64x2Trunc(V128 a) { return detail::vround<detail::Round::Trunc, detail::f64x2>(a); }
WHARF_SEM_INLINE V128 F64x2Nearest(V128 a) {
  return detail::vround<detail::Round::Nearest, detail::f64x2>(a);
}

// ---- conversions --------------------------------------------------------------------
WHARF_SEM_INLINE V128 F32x4DemoteF64x2Zero(V128 a) {
  auto lo = __builtin_convertvector(detail::as<detail::f64x2>(a), detail::VecOf<float, 2>);
  return detail::out(detail::concat(lo, detail::VecOf<float, 2>{}));
}
WHARF_SEM_INLINE V128 F64x2PromoteLowF32x4(V128 a) {
  return detail::out(__builtin_convertvector(detail::lowHalf(detail::as<detail::f32x4>(a)), detail::f64x2));
}
WHARF_SEM_INLINE V128 F32x4ConvertI32x4S(V128 a) {
  return detail::out(__builtin_convertvector(detail::as<detail::i32x4>(a), detail::f32x4));
}
WHARF_SEM_INLINE V128 F32x4ConvertI32x4U(V128 a) {
  return detail::out(__builtin_convertvector(detail::as<detail::u32x4>(a), detail::f32x4));
}
WHARF_SEM_INLINE V128 F64x2ConvertLowI32x4S(V128 a) {
  return detail::out(__builtin_convertvector(detail::lowHalf(detail::as<detail::i32x4>(a)), detail::f64x2));
}
WHARF_SEM_INLINE V128 F64x2ConvertLowI32x4U(V128 a) {
  return detail::out(__builtin_convertvector(detail::lowHalf(detail::as<detail::u32x4>(a)), detail::f64x2));
}
// Out-of-range lanes are clamped *before* converting (an out-of-range vector
// conversion is poison in LLVM), then the saturated top is patched in.
WHARF_SEM_INLINE V128 I32x4TruncSatF32x4S(V128 a) {
  using namespace detail;
  f32x4 x = as<f32x4>(a);
  f32x4 c = select(x != x, f32x4{}, x);  // NaN -> 0
  c = select(c < splat<f32x4>(-0x1p31f), splat<f32x4>(-0x1p31f), c);
  auto tooBig = x >= splat<f32x4>(0x1p31f);
  c = select(tooBig, f32x4{}, c);
  return out(select(tooBig, splat<i32x4>(INT32_MAX), __builtin_convertvector(c, i32x4)));
}
WHARF_SEM_INLINE V128 I32x4TruncSatF32x4U(V128 a) {
  using namespace detail;
  f32x4 x = as<f32x4>(a);
  auto tooBig = x >= splat<f32x4>(0x1p32f);
  f32x4 c = select((x > f32x4{}) & ~tooBig, x, f32x4{});  // NaN, negatives, too big -> 0
  return out(select(tooBig, splat<u32x4>(UINT32_MAX), __builtin_convertvector(c, u32x4)));
}
WHARF_SEM_INLINE V128 I32x4TruncSatF64x2SZero(V128 a) {
  auto x = detail::as<detail::f64x2>(a);
  return detail::out(detail::i32x4{detail::truncSat<int32_t>(x[0]), detail::truncSat<int32_t>(x[1]), 0, 0});
}
WHARF_SEM_INLINE V128 I32x4TruncSatF64x2UZero(V128 a) {
  auto x = detail::as<detail::f64x2>(a);
  return detail::out(detail::u32x4{detail::truncSat<uint32_t>(x[0]), detail::truncSat<uint32_t>(x[1]), 0, 0});
}

}  // namespace wharf::sem
