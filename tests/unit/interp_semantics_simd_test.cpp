// SIMD semantics (interp/semantics_simd.h): targeted cases for the tricky ops,
// and a sweep that checks every SIMD op lane by lane against a reference
// written from the spec's scalar definitions.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <functional>
#include <random>
#include <string>

#include "interp/semantics.h"

using namespace wharf;

namespace {

template <class T>
constexpr int kN = 16 / sizeof(T);

template <class T>
V128 make(std::initializer_list<T> lanes) {
  V128 v;
  int i = 0;
  for (T x : lanes) v.setLane<T>(i++, x);
  return v;
}
V128 bytes(std::initializer_list<int> b) {
  V128 v;
  int i = 0;
  for (int x : b) v.bytes[i++] = uint8_t(x);
  return v;
}
template <class T>
T lane(const V128& v, int i) {
  return v.lane<T>(i);
}
std::string hex(const V128& v) {
  char buf[40];
  for (int i = 0; i < 16; ++i) snprintf(buf + 2 * i, 3, "%02x", v.bytes[15 - i]);
  return std::string("0x") + buf;
}

// ---- lane-wise reference builders ----
template <class R, class A, class F>
V128 map1(const V128& a, F f) {
  static_assert(kN<R> == kN<A>);
  V128 r;
  for (int i = 0; i < kN<R>; ++i) r.setLane<R>(i, f(a.lane<A>(i)));
  return r;
}
template <class R, class A, class F>
V128 map2(const V128& a, const V128& b, F f) {
  static_assert(kN<R> == kN<A>);
  V128 r;
  for (int i = 0; i < kN<R>; ++i) r.setLane<R>(i, f(a.lane<A>(i), b.lane<A>(i)));
  return r;
}
template <size_t n>
using UIntOf =
    std::conditional_t<n == 1, uint8_t,
                       std::conditional_t<n == 2, uint16_t, std::conditional_t<n == 4, uint32_t, uint64_t>>>;

// Comparison reference: all-ones / all-zeros lanes.
template <class A, class F>
V128 cmp2(const V128& a, const V128& b, F f) {
  using U = UIntOf<sizeof(A)>;
  V128 r;
  for (int i = 0; i < kN<A>; ++i) r.setLane<U>(i, f(a.lane<A>(i), b.lane<A>(i)) ? U(-1) : U(0));
  return r;
}

bool canonical(float x) { return (std::bit_cast<uint32_t>(x) & 0x7fff'ffffu) == 0x7fc0'0000u; }
bool canonical(double x) {
  return (std::bit_cast<uint64_t>(x) & 0x7fff'ffff'ffff'ffffu) == 0x7ff8'0000'0000'0000u;
}
bool arithmetic(float x) { return std::isnan(x) && (std::bit_cast<uint32_t>(x) & 0x0040'0000u); }
bool arithmetic(double x) { return std::isnan(x) && (std::bit_cast<uint64_t>(x) & 0x0008'0000'0000'0000u); }

enum class Cmp { Bits, F32, F64 };

// Float lanes must match bit for bit, except NaNs, which follow the spec's
// rule: canonical is always fine; an arithmetic NaN is fine when the
// reference's NaN is one too or a same-lane input NaN was not canonical.
template <class F>
bool nonCanonicalNaN(const V128& v, int i) {
  F x = v.lane<F>(i);
  return std::isnan(x) && !canonical(x);
}
template <class F>
::testing::AssertionResult sameFloatLanes(const V128& got, const V128& want, const V128& a, const V128& b) {
  for (int i = 0; i < kN<F>; ++i) {
    F g = got.lane<F>(i), w = want.lane<F>(i);
    if (std::isnan(w)) {
      bool arithmeticOk = !canonical(w) || nonCanonicalNaN<F>(a, i) || nonCanonicalNaN<F>(b, i);
      if (!canonical(g) && !(arithmeticOk && arithmetic(g)))
        return ::testing::AssertionFailure() << "lane " << i << ": wrong kind of NaN";
    } else if (std::memcmp(&g, &w, sizeof(F)) != 0) {
      return ::testing::AssertionFailure() << "lane " << i;
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult same(const V128& got, const V128& want, Cmp cmp, const V128& a, const V128& b) {
  ::testing::AssertionResult r = ::testing::AssertionSuccess();
  if (cmp == Cmp::F32) r = sameFloatLanes<float>(got, want, a, b);
  if (cmp == Cmp::F64) r = sameFloatLanes<double>(got, want, a, b);
  if (cmp == Cmp::Bits && !(got == want)) r = ::testing::AssertionFailure();
  if (!r) r << ": got " << hex(got) << " want " << hex(want);
  return r;
}

// ---- random inputs rich in edge cases ----
struct Gen {
  std::mt19937_64 rng{12345};

  template <class T>
  T pick(std::initializer_list<T> s) {
    return *(s.begin() + rng() % s.size());
  }
  float f32() {
    if (rng() % 3 == 0) return std::bit_cast<float>(uint32_t(rng()));
    return pick<float>({0.0f,
                        -0.0f,
                        1.0f,
                        -1.0f,
                        0.5f,
                        -0.5f,
                        1.5f,
                        2.5f,
                        -2.5f,
                        0.49999997f,
                        INFINITY,
                        -INFINITY,
                        std::bit_cast<float>(0x7fc0'0000u),
                        std::bit_cast<float>(0xffc0'0000u),
                        std::bit_cast<float>(0x7fa0'0001u),
                        std::bit_cast<float>(0xffe0'0001u),
                        0x1p-126f,
                        0x1p-149f,
                        -0x1p-149f,
                        0x1.fffffep127f,
                        0x1.fffffep22f,
                        -0x1.fffffep22f,
                        0x1p23f,
                        0x1p31f,
                        -0x1p31f,
                        0x1.fffffep30f,
                        0x1p32f,
                        0x1.fffffep31f,
                        1e10f,
                        -1e10f,
                        123456.5f,
                        -7.75f});
  }
  double f64() {
    if (rng() % 3 == 0) return std::bit_cast<double>(uint64_t(rng()));
    return pick<double>({0.0,
                         -0.0,
                         1.0,
                         -1.0,
                         0.5,
                         -0.5,
                         2.5,
                         -3.5,
                         INFINITY,
                         -INFINITY,
                         std::bit_cast<double>(0x7ff8'0000'0000'0000u),
                         std::bit_cast<double>(0xfff8'0000'0000'0000u),
                         std::bit_cast<double>(0x7ff4'0000'0000'0001u),
                         std::bit_cast<double>(0xfffc'0000'0000'0001u),
                         0x1p-1022,
                         0x1p-1074,
                         0x1.fffffffffffffp1023,
                         0x1.fffffffffffffp51,
                         0x1p52,
                         2147483647.5,
                         -2147483648.5,
                         -2147483649.0,
                         2147483648.0,
                         4294967295.5,
                         4294967296.0,
                         -0.9999,
                         1e300,
                         0x1.fffffep127,
                         0x1.ffffffp127,
                         0x1p-150,
                         0x1.0000000000001p-150,
                         0x1.000001p0,
                         1e-45});
  }
  V128 v128() {
    V128 v;
    switch (rng() % 8) {
      case 0:
        for (int i = 0; i < kN<int8_t>; ++i)
          v.setLane<int8_t>(i, rng() % 2 ? int8_t(rng()) : pick<int8_t>({0, 1, -1, 127, -128, 64, -64}));
        break;
      case 1:
        for (int i = 0; i < kN<int16_t>; ++i)
          v.setLane<int16_t>(i, rng() % 2 ? int16_t(rng())
                                          : pick<int16_t>({0, 1, -1, 32767, -32768, 127, 128, -128, -129, 255,
                                                           256, 16384, -16384}));
        break;
      case 2:
        for (int i = 0; i < kN<int32_t>; ++i)
          v.setLane<int32_t>(i, rng() % 2 ? int32_t(rng())
                                          : pick<int32_t>({0, 1, -1, INT32_MAX, INT32_MIN, 32767, 32768,
                                                           -32768, -32769, 65535, 65536, 0x0100'0001}));
        break;
      case 3:
        for (int i = 0; i < kN<int64_t>; ++i)
          v.setLane<int64_t>(i, rng() % 2
                                    ? int64_t(rng())
                                    : pick<int64_t>({0, 1, -1, INT64_MAX, INT64_MIN, INT32_MAX, INT32_MIN}));
        break;
      case 4:
      case 5:
        for (int i = 0; i < kN<float>; ++i) v.setLane<float>(i, f32());
        break;
      case 6:
        for (int i = 0; i < kN<double>; ++i) v.setLane<double>(i, f64());
        break;
      default:
        for (auto& b : v.bytes) b = uint8_t(rng());
    }
    return v;
  }
  uint32_t count() { return rng() % 2 ? uint32_t(rng() % 130) : uint32_t(rng()); }
};

template <class T>
T sat(int64_t x) {
  return T(std::clamp<int64_t>(x, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

constexpr int kIterations = 3000;

}  // namespace

// ---- targeted cases ------------------------------------------------------------------
TEST(SemanticsSimd, SwizzleAndShuffle) {
  V128 a = bytes({0, 11, 22, 33, 44, 55, 66, 77, 88, 99, 110, 121, 132, 143, 154, 165});
  V128 s = bytes({15, 0, 16, 255, 1, 128, 17, 14, 2, 3, 4, 5, 6, 7, 8, 0x80});
  EXPECT_EQ(sem::I8x16Swizzle(a, s), bytes({165, 0, 0, 0, 11, 0, 0, 154, 22, 33, 44, 55, 66, 77, 88, 0}));
  V128 b = bytes({200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215});
  V128 lanes = bytes({31, 0, 16, 15, 1, 17, 2, 18, 3, 19, 30, 29, 14, 13, 0, 0});
  EXPECT_EQ(sem::I8x16Shuffle(a, b, lanes),
            bytes({215, 0, 200, 165, 11, 201, 22, 202, 33, 203, 214, 213, 154, 143, 0, 0}));
}

TEST(SemanticsSimd, SaturationNarrowingAndRounding) {
  EXPECT_EQ(sem::I8x16AddSatS(sem::I8x16Splat(100), sem::I8x16Splat(100)), sem::I8x16Splat(127));
  EXPECT_EQ(sem::I8x16SubSatS(sem::I8x16Splat(0x80), sem::I8x16Splat(1)), sem::I8x16Splat(0x80));
  EXPECT_EQ(sem::I8x16AddSatU(sem::I8x16Splat(200), sem::I8x16Splat(100)), sem::I8x16Splat(255));
  EXPECT_EQ(sem::I16x8SubSatU(sem::I16x8Splat(1), sem::I16x8Splat(2)), sem::I16x8Splat(0));
  V128 w = make<int16_t>({-32768, -129, -128, 127, 128, 255, 256, 32767});
  EXPECT_EQ(sem::I8x16NarrowI16x8S(w, w),
            bytes({0x80, 0x80, 0x80, 127, 127, 127, 127, 127, 0x80, 0x80, 0x80, 127, 127, 127, 127, 127}));
  EXPECT_EQ(sem::I8x16NarrowI16x8U(w, sem::I16x8Splat(7)),
            bytes({0, 0, 0, 127, 128, 255, 255, 255, 7, 7, 7, 7, 7, 7, 7, 7}));
  V128 w32 = make<int32_t>({INT32_MIN, -1, 65536, 40000});
  EXPECT_EQ(sem::I16x8NarrowI32x4S(w32, w32),
            make<int16_t>({-32768, -1, 32767, 32767, -32768, -1, 32767, 32767}));
  EXPECT_EQ(sem::I16x8NarrowI32x4U(w32, w32), make<uint16_t>({0, 0, 65535, 40000, 0, 0, 65535, 40000}));
  // q15mulr: only (-2^15)^2 saturates; rounding adds 2^14.
  V128 q = sem::I16x8Q15mulrSatS(make<int16_t>({-32768, -32768, 16384, -16384, 1, -1, 32767, 3}),
                                 make<int16_t>({-32768, 32767, 16384, 16384, 16384, 16384, 32767, -16384}));
  EXPECT_EQ(q, make<int16_t>({32767, -32767, 8192, -8192, 1, 0, 32766, -1}));
  // dot: the sum of two (-2^15)^2 products wraps to INT32_MIN.
  EXPECT_EQ(sem::I32x4DotI16x8S(sem::I16x8Splat(0x8000), sem::I16x8Splat(0x8000)),
            sem::I32x4Splat(0x8000'0000u));
  EXPECT_EQ(sem::I8x16AvgrU(sem::I8x16Splat(255), sem::I8x16Splat(254)), sem::I8x16Splat(255));
  EXPECT_EQ(sem::I16x8AvgrU(sem::I16x8Splat(0), sem::I16x8Splat(1)), sem::I16x8Splat(1));
  EXPECT_EQ(sem::I8x16Abs(sem::I8x16Splat(0x80)), sem::I8x16Splat(0x80));
  EXPECT_EQ(sem::I64x2Abs(sem::I64x2Splat(0x8000'0000'0000'0000u)), sem::I64x2Splat(0x8000'0000'0000'0000u));
  EXPECT_EQ(sem::I32x4Abs(sem::I32x4Splat(uint32_t(-5))), sem::I32x4Splat(5));
  EXPECT_EQ(
      sem::I8x16Popcnt(bytes({0, 1, 3, 7, 15, 31, 63, 127, 255, 0x80, 0x55, 0xaa, 0x11, 0xf0, 0x0f, 0x81})),
      bytes({0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 4, 4, 2, 4, 4, 2}));
}

TEST(SemanticsSimd, ShiftsTakeCountModLaneWidth) {
  EXPECT_EQ(sem::I8x16Shl(sem::I8x16Splat(1), 9), sem::I8x16Splat(2));
  EXPECT_EQ(sem::I8x16ShrS(sem::I8x16Splat(0x80), 7), sem::I8x16Splat(0xff));
  EXPECT_EQ(sem::I8x16ShrS(sem::I8x16Splat(0x80), 15), sem::I8x16Splat(0xff));
  EXPECT_EQ(sem::I8x16ShrU(sem::I8x16Splat(0x80), 15), sem::I8x16Splat(1));
  EXPECT_EQ(sem::I16x8Shl(sem::I16x8Splat(1), 16), sem::I16x8Splat(1));
  EXPECT_EQ(sem::I16x8ShrS(sem::I16x8Splat(0x8000), 0xffff'ffffu), sem::I16x8Splat(0xffff));
  EXPECT_EQ(sem::I32x4ShrU(sem::I32x4Splat(0x8000'0000u), 63), sem::I32x4Splat(1));
  EXPECT_EQ(sem::I64x2Shl(sem::I64x2Splat(1), 64), sem::I64x2Splat(1));
  EXPECT_EQ(sem::I64x2ShrS(sem::I64x2Splat(0x8000'0000'0000'0000u), 127), sem::I64x2Splat(~0ull));
}

TEST(SemanticsSimd, BooleanReductions) {
  EXPECT_EQ(sem::I8x16Bitmask(bytes({0x80, 0, 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x90})), 0x8005u);
  EXPECT_EQ(sem::I16x8Bitmask(make<int16_t>({-1, 0, 1, -32768, 0, 0, 0, -2})), 0x89u);
  EXPECT_EQ(sem::I32x4Bitmask(make<int32_t>({-1, 0, -1, 5})), 0x5u);
  EXPECT_EQ(sem::I32x4Bitmask(sem::I32x4Splat(0x8000'0000u)), 0xfu);
  EXPECT_EQ(sem::I64x2Bitmask(make<int64_t>({0, -1})), 0x2u);
  EXPECT_EQ(sem::I64x2Bitmask(sem::I64x2Splat(~0ull)), 0x3u);
  V128 oneZero = sem::I32x4ReplaceLane(sem::I32x4Splat(1), 0, 2);
  EXPECT_EQ(sem::I32x4AllTrue(oneZero), 0u);
  EXPECT_EQ(sem::I32x4AllTrue(sem::I32x4Splat(0x100)), 1u);
  EXPECT_EQ(sem::I8x16AllTrue(sem::I32x4Splat(0x100)), 0u);
  EXPECT_EQ(sem::I16x8AllTrue(sem::I32x4Splat(0x10001)), 1u);
  EXPECT_EQ(sem::I64x2AllTrue(make<int64_t>({1ll << 40, 1})), 1u);
  EXPECT_EQ(sem::V128AnyTrue(V128{}), 0u);
  EXPECT_EQ(sem::V128AnyTrue(sem::I8x16ReplaceLane(V128{}, 1, 15)), 1u);
}

TEST(SemanticsSimd, FloatLaneRules) {
  float cn = std::bit_cast<float>(0x7fc0'0000u), sn = std::bit_cast<float>(0x7fa0'0001u);
  V128 mn = sem::F32x4Min(make<float>({0.0f, -0.0f, sn, 1.0f}), make<float>({-0.0f, 0.0f, 1.0f, cn}));
  EXPECT_EQ(lane<uint32_t>(mn, 0), 0x8000'0000u);
  EXPECT_EQ(lane<uint32_t>(mn, 1), 0x8000'0000u);
  EXPECT_TRUE(canonical(lane<float>(mn, 2)));
  EXPECT_TRUE(canonical(lane<float>(mn, 3)));
  V128 mx = sem::F64x2Max(make<double>({-0.0, 0.0}), make<double>({0.0, -0.0}));
  EXPECT_EQ(mx, V128{});
  // pmin/pmax are selections: NaN operands pass through unchanged.
  V128 pm = sem::F32x4Pmin(make<float>({sn, 1.0f, -0.0f, 2.0f}), make<float>({1.0f, sn, 0.0f, 1.0f}));
  EXPECT_EQ(pm, make<float>({sn, 1.0f, -0.0f, 1.0f}));
  V128 px = sem::F32x4Pmax(make<float>({sn, 1.0f, -0.0f, 2.0f}), make<float>({1.0f, sn, 0.0f, 1.0f}));
  EXPECT_EQ(px, make<float>({sn, 1.0f, -0.0f, 2.0f}));
  EXPECT_EQ(sem::F64x2Pmin(make<double>({0.0, 3.0}), make<double>({-0.0, 2.0})), make<double>({0.0, 2.0}));
  // abs/neg keep payloads.
  EXPECT_EQ(sem::F32x4Neg(sem::F32x4Splat(sn)), sem::I32x4Splat(0xffa0'0001u));
  EXPECT_EQ(sem::F32x4Abs(sem::I32x4Splat(0xffa0'0001u)), sem::F32x4Splat(sn));
  EXPECT_EQ(sem::F64x2Neg(sem::F64x2Splat(0.0)), sem::F64x2Splat(-0.0));
  // Rounding: ties to even, signed zeros, canonical NaNs.
  V128 ne = sem::F32x4Nearest(make<float>({-0.5f, 2.5f, 3.5f, sn}));
  EXPECT_EQ(lane<uint32_t>(ne, 0), 0x8000'0000u);
  EXPECT_EQ(lane<float>(ne, 1), 2.0f);
  EXPECT_EQ(lane<float>(ne, 2), 4.0f);
  EXPECT_TRUE(canonical(lane<float>(ne, 3)));
  EXPECT_EQ(sem::F64x2Ceil(make<double>({-0.5, 0x1p-1074})), make<double>({-0.0, 1.0}));
  EXPECT_EQ(sem::F64x2Floor(make<double>({-0x1p-1074, 0x1.fffffffffffffp51})),
            make<double>({-1.0, 0x1.ffffffffffffep51}));
  // Comparisons: NaN lanes are false except ne.
  EXPECT_EQ(sem::F32x4Eq(sem::F32x4Splat(cn), sem::F32x4Splat(cn)), V128{});
  EXPECT_EQ(sem::F32x4Ne(sem::F32x4Splat(cn), sem::F32x4Splat(cn)), sem::I32x4Splat(~0u));
  EXPECT_EQ(sem::F64x2Le(sem::F64x2Splat(-0.0), sem::F64x2Splat(0.0)), sem::I64x2Splat(~0ull));
}

TEST(SemanticsSimd, Conversions) {
  V128 t = sem::I32x4TruncSatF32x4S(make<float>({std::bit_cast<float>(0x7fc0'0000u), 3e9f, -3e9f, -1.9f}));
  EXPECT_EQ(t, make<int32_t>({0, INT32_MAX, INT32_MIN, -1}));
  t = sem::I32x4TruncSatF32x4U(make<float>({-0.9f, 4294967040.0f, 5e9f, -INFINITY}));
  EXPECT_EQ(t, make<uint32_t>({0, 4294967040u, UINT32_MAX, 0}));
  t = sem::I32x4TruncSatF64x2SZero(make<double>({-2147483648.9, 2147483647.9}));
  EXPECT_EQ(t, make<int32_t>({INT32_MIN, INT32_MAX, 0, 0}));
  t = sem::I32x4TruncSatF64x2UZero(
      make<double>({4294967296.0, std::bit_cast<double>(0xfff8'0000'0000'0000u)}));
  EXPECT_EQ(t, make<uint32_t>({UINT32_MAX, 0, 0, 0}));
  EXPECT_EQ(sem::F32x4ConvertI32x4U(make<uint32_t>({0xffff'ffffu, 0x0100'0001u, 0x0100'0003u, 0x8000'0080u})),
            make<float>({0x1p32f, 16777216.0f, 16777220.0f, 0x1p31f}));
  EXPECT_EQ(sem::F64x2ConvertLowI32x4U(make<uint32_t>({0xffff'ffffu, 1, 9, 9})),
            make<double>({4294967295.0, 1.0}));
  EXPECT_EQ(sem::F64x2ConvertLowI32x4S(make<uint32_t>({0xffff'ffffu, 0x8000'0000u, 9, 9})),
            make<double>({-1.0, -2147483648.0}));
  V128 d = sem::F32x4DemoteF64x2Zero(make<double>({0x1.ffffffp127, 0x1p-150}));
  EXPECT_EQ(d, make<float>({INFINITY, 0.0f, 0.0f, 0.0f}));
  EXPECT_EQ(sem::F64x2PromoteLowF32x4(make<float>({0x1p-149f, -INFINITY, 1.0f, 1.0f})),
            make<double>({0x1p-149, -INFINITY}));
}

TEST(SemanticsSimd, LanesAndSplats) {
  V128 v = make<int8_t>({-1, 2, -3, 4, -5, 6, -7, 8, -9, 10, -11, 12, -13, 14, -15, -128});
  EXPECT_EQ(sem::I8x16ExtractLaneS(v, 15), 0xffff'ff80u);
  EXPECT_EQ(sem::I8x16ExtractLaneU(v, 15), 0x80u);
  EXPECT_EQ(sem::I16x8ExtractLaneS(v, 0), 0x2ffu);
  EXPECT_EQ(sem::I16x8ExtractLaneS(v, 7), 0xffff'80f1u);
  EXPECT_EQ(sem::I16x8ExtractLaneU(v, 7), 0x80f1u);
  EXPECT_EQ(sem::I8x16ReplaceLane(v, 0x1234, 0).bytes[0], 0x34);
  EXPECT_EQ(sem::I16x8ReplaceLane(V128{}, 0x12345, 7), make<uint16_t>({0, 0, 0, 0, 0, 0, 0, 0x2345}));
  EXPECT_EQ(sem::I64x2ExtractLane(sem::I64x2ReplaceLane(V128{}, 0x1122334455667788u, 1), 1),
            0x1122334455667788u);
  uint32_t snan = 0x7fa0'0001u;
  EXPECT_EQ(std::bit_cast<uint32_t>(sem::F32x4ExtractLane(sem::I32x4Splat(snan), 3)), snan);
  EXPECT_EQ(sem::F32x4ReplaceLane(V128{}, std::bit_cast<float>(snan), 2), make<uint32_t>({0, 0, snan, 0}));
  EXPECT_EQ(sem::F32x4Splat(std::bit_cast<float>(snan)), sem::I32x4Splat(snan));
  uint64_t snan64 = 0x7ff4'0000'0000'0001u;
  EXPECT_EQ(std::bit_cast<uint64_t>(sem::F64x2ExtractLane(sem::F64x2Splat(std::bit_cast<double>(snan64)), 1)),
            snan64);
  EXPECT_EQ(sem::F64x2ReplaceLane(V128{}, std::bit_cast<double>(snan64), 0), make<uint64_t>({snan64, 0}));
  EXPECT_EQ(sem::I8x16Splat(0x1ff), sem::I8x16Splat(0xff));
  EXPECT_EQ(sem::I16x8Splat(0x12345),
            make<uint16_t>({0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345}));
  EXPECT_EQ(sem::V128Bitselect(sem::I32x4Splat(0xaaaa'aaaau), sem::I32x4Splat(0x5555'5555u),
                               sem::I32x4Splat(0xff00'ff00u)),
            sem::I32x4Splat(0xaa55'aa55u));
  EXPECT_EQ(sem::V128Andnot(sem::I32x4Splat(0xff), sem::I32x4Splat(0x0f)), sem::I32x4Splat(0xf0));
}

// ---- the sweep --------------------------------------------------------------------------
namespace {

struct Sweep {
  Gen gen;
  int failures = 0;

  void expect(const char* name, const V128& got, const V128& want, Cmp cmp, const V128& a,
              const V128& b = {}) {
    auto r = same(got, want, cmp, a, b);
    if (!r && ++failures <= 20)
      ADD_FAILURE() << name << "(" << hex(a) << ", " << hex(b) << ")" << r.message();
  }
  void expect32(const char* name, uint32_t got, uint32_t want, const V128& a) {
    if (got != want && ++failures <= 20)
      ADD_FAILURE() << name << "(" << hex(a) << ") = " << got << ", want " << want;
  }

  template <class R, class A, class F>
  void un(const char* name, V128 (*op)(V128), F ref, Cmp cmp = Cmp::Bits) {
    for (int i = 0; i < kIterations; ++i) {
      V128 a = gen.v128();
      expect(name, op(a), ref(a), cmp, a);
    }
  }
  void bin(const char* name, V128 (*op)(V128, V128), const std::function<V128(V128, V128)>& ref,
           Cmp cmp = Cmp::Bits) {
    for (int i = 0; i < kIterations; ++i) {
      V128 a = gen.v128(), b = gen.v128();
      // Equal lanes matter for comparisons and min/max.
      if (i % 4 == 0) b = a;
      if (i % 4 == 1) b.bytes[gen.rng() % 16] = a.bytes[gen.rng() % 16];
      expect(name, op(a, b), ref(a, b), cmp, a, b);
    }
  }
  void shift(const char* name, V128 (*op)(V128, uint32_t), const std::function<V128(V128, uint32_t)>& ref) {
    for (int i = 0; i < kIterations; ++i) {
      V128 a = gen.v128();
      uint32_t n = gen.count();
      V128 b = sem::I32x4Splat(n);
      expect(name, op(a, n), ref(a, n), Cmp::Bits, a, b);
    }
  }
  void reduce(const char* name, uint32_t (*op)(V128), const std::function<uint32_t(V128)>& ref) {
    for (int i = 0; i < kIterations; ++i) {
      V128 a = gen.v128();
      if (i % 3 == 0) a = sem::I8x16Splat(uint32_t(gen.rng() % 3));  // all-zero / all-nonzero cases
      expect32(name, op(a), ref(a), a);
    }
  }
};

// Lane-wise references for the integer shapes, parameterized by lane types.
template <class S, class U>
void sweepIntShape(Sweep& s, V128 (*add)(V128, V128), V128 (*sub)(V128, V128), V128 (*neg)(V128),
                   V128 (*abs)(V128), V128 (*shl)(V128, uint32_t), V128 (*shrS)(V128, uint32_t),
                   V128 (*shrU)(V128, uint32_t), V128 (*eq)(V128, V128), V128 (*ne)(V128, V128),
                   V128 (*ltS)(V128, V128), V128 (*gtS)(V128, V128), V128 (*leS)(V128, V128),
                   V128 (*geS)(V128, V128), uint32_t (*allTrue)(V128), uint32_t (*bitmask)(V128)) {
  constexpr unsigned bits = sizeof(U) * 8;
  s.bin("add", add,
        [](V128 a, V128 b) { return map2<U, U>(a, b, [](U x, U y) { return U(uint64_t(x) + y); }); });
  s.bin("sub", sub,
        [](V128 a, V128 b) { return map2<U, U>(a, b, [](U x, U y) { return U(uint64_t(x) - y); }); });
  s.un<U, U>("neg", neg, [](V128 a) { return map1<U, U>(a, [](U x) { return U(0 - uint64_t(x)); }); });
  s.un<U, U>("abs", abs,
             [](V128 a) { return map1<U, S>(a, [](S x) { return x < 0 ? U(0 - uint64_t(x)) : U(x); }); });
  s.shift("shl", shl, [](V128 a, uint32_t n) {
    return map1<U, U>(a, [n](U x) { return U(uint64_t(x) << (n % bits)); });
  });
  s.shift("shr_s", shrS,
          [](V128 a, uint32_t n) { return map1<S, S>(a, [n](S x) { return S(int64_t(x) >> (n % bits)); }); });
  s.shift("shr_u", shrU,
          [](V128 a, uint32_t n) { return map1<U, U>(a, [n](U x) { return U(x >> (n % bits)); }); });
  s.bin("eq", eq, [](V128 a, V128 b) { return cmp2<U>(a, b, std::equal_to<>{}); });
  s.bin("ne", ne, [](V128 a, V128 b) { return cmp2<U>(a, b, std::not_equal_to<>{}); });
  s.bin("lt_s", ltS, [](V128 a, V128 b) { return cmp2<S>(a, b, std::less<>{}); });
  s.bin("gt_s", gtS, [](V128 a, V128 b) { return cmp2<S>(a, b, std::greater<>{}); });
  s.bin("le_s", leS, [](V128 a, V128 b) { return cmp2<S>(a, b, std::less_equal<>{}); });
  s.bin("ge_s", geS, [](V128 a, V128 b) { return cmp2<S>(a, b, std::greater_equal<>{}); });
  s.reduce("all_true", allTrue, [](V128 a) {
    for (int i = 0; i < kN<U>; ++i)
      if (lane<U>(a, i) == 0) return 0u;
    return 1u;
  });
  s.reduce("bitmask", bitmask, [](V128 a) {
    uint32_t m = 0;
    for (int i = 0; i < kN<U>; ++i) m |= uint32_t(lane<S>(a, i) < 0) << i;
    return m;
  });
}

// Unsigned compares, min/max, saturating ops and avgr (i8x16 / i16x8 / i32x4 subsets).
template <class S, class U>
void sweepUnsignedCmp(Sweep& s, V128 (*ltU)(V128, V128), V128 (*gtU)(V128, V128), V128 (*leU)(V128, V128),
                      V128 (*geU)(V128, V128), V128 (*minS)(V128, V128), V128 (*minU)(V128, V128),
                      V128 (*maxS)(V128, V128), V128 (*maxU)(V128, V128)) {
  s.bin("lt_u", ltU, [](V128 a, V128 b) { return cmp2<U>(a, b, std::less<>{}); });
  s.bin("gt_u", gtU, [](V128 a, V128 b) { return cmp2<U>(a, b, std::greater<>{}); });
  s.bin("le_u", leU, [](V128 a, V128 b) { return cmp2<U>(a, b, std::less_equal<>{}); });
  s.bin("ge_u", geU, [](V128 a, V128 b) { return cmp2<U>(a, b, std::greater_equal<>{}); });
  s.bin("min_s", minS,
        [](V128 a, V128 b) { return map2<S, S>(a, b, [](S x, S y) { return std::min(x, y); }); });
  s.bin("min_u", minU,
        [](V128 a, V128 b) { return map2<U, U>(a, b, [](U x, U y) { return std::min(x, y); }); });
  s.bin("max_s", maxS,
        [](V128 a, V128 b) { return map2<S, S>(a, b, [](S x, S y) { return std::max(x, y); }); });
  s.bin("max_u", maxU,
        [](V128 a, V128 b) { return map2<U, U>(a, b, [](U x, U y) { return std::max(x, y); }); });
}

template <class S, class U>
void sweepSaturating(Sweep& s, V128 (*addS)(V128, V128), V128 (*addU)(V128, V128), V128 (*subS)(V128, V128),
                     V128 (*subU)(V128, V128), V128 (*avgr)(V128, V128)) {
  s.bin("add_sat_s", addS,
        [](V128 a, V128 b) { return map2<S, S>(a, b, [](S x, S y) { return sat<S>(int64_t(x) + y); }); });
  s.bin("add_sat_u", addU,
        [](V128 a, V128 b) { return map2<U, U>(a, b, [](U x, U y) { return sat<U>(int64_t(x) + y); }); });
  s.bin("sub_sat_s", subS,
        [](V128 a, V128 b) { return map2<S, S>(a, b, [](S x, S y) { return sat<S>(int64_t(x) - y); }); });
  s.bin("sub_sat_u", subU,
        [](V128 a, V128 b) { return map2<U, U>(a, b, [](U x, U y) { return sat<U>(int64_t(x) - y); }); });
  s.bin("avgr_u", avgr, [](V128 a, V128 b) {
    return map2<U, U>(a, b, [](U x, U y) { return U((uint32_t(x) + y + 1) / 2); });
  });
}

// Widening ops: Narrow lanes (NS/NU) -> Wide lanes (WS/WU).
template <class NS, class NU, class WS, class WU>
void sweepWidening(Sweep& s, V128 (*extLoS)(V128), V128 (*extHiS)(V128), V128 (*extLoU)(V128),
                   V128 (*extHiU)(V128), V128 (*mulLoS)(V128, V128), V128 (*mulHiS)(V128, V128),
                   V128 (*mulLoU)(V128, V128), V128 (*mulHiU)(V128, V128)) {
  constexpr int n = kN<WS>;
  auto ext = [](int off, auto narrowTag, auto wideTag) {
    using N = decltype(narrowTag);
    using W = decltype(wideTag);
    return [off](V128 a) {
      V128 r;
      for (int i = 0; i < n; ++i) r.setLane<W>(i, W(lane<N>(a, off + i)));
      return r;
    };
  };
  auto mul = [](int off, auto narrowTag, auto wideTag) {
    using N = decltype(narrowTag);
    using W = decltype(wideTag);
    return [off](V128 a, V128 b) {
      V128 r;
      for (int i = 0; i < n; ++i)
        r.setLane<W>(i, W(uint64_t(int64_t(lane<N>(a, off + i))) * uint64_t(int64_t(lane<N>(b, off + i)))));
      return r;
    };
  };
  s.un<WS, NS>("extend_low_s", extLoS, ext(0, NS{}, WS{}));
  s.un<WS, NS>("extend_high_s", extHiS, ext(n, NS{}, WS{}));
  s.un<WU, NU>("extend_low_u", extLoU, ext(0, NU{}, WU{}));
  s.un<WU, NU>("extend_high_u", extHiU, ext(n, NU{}, WU{}));
  s.bin("extmul_low_s", mulLoS, mul(0, NS{}, WS{}));
  s.bin("extmul_high_s", mulHiS, mul(n, NS{}, WS{}));
  s.bin("extmul_low_u", mulLoU, mul(0, NU{}, WU{}));
  s.bin("extmul_high_u", mulHiU, mul(n, NU{}, WU{}));
}

template <class F, class I>
void sweepFloatShape(Sweep& s, Cmp fc, V128 (*add)(V128, V128), F (*sadd)(F, F), V128 (*sub)(V128, V128),
                     F (*ssub)(F, F), V128 (*mul)(V128, V128), F (*smul)(F, F), V128 (*div)(V128, V128),
                     F (*sdiv)(F, F), V128 (*min)(V128, V128), F (*smin)(F, F), V128 (*max)(V128, V128),
                     F (*smax)(F, F), V128 (*sqrt)(V128), F (*ssqrt)(F), V128 (*ceil)(V128), F (*sceil)(F),
                     V128 (*floor)(V128), F (*sfloor)(F), V128 (*trunc)(V128), F (*strunc)(F),
                     V128 (*nearest)(V128), F (*snearest)(F), V128 (*abs)(V128), V128 (*neg)(V128),
                     V128 (*pmin)(V128, V128), V128 (*pmax)(V128, V128), V128 (*eq)(V128, V128),
                     V128 (*ne)(V128, V128), V128 (*lt)(V128, V128), V128 (*gt)(V128, V128),
                     V128 (*le)(V128, V128), V128 (*ge)(V128, V128)) {
  auto lift2 = [](F (*f)(F, F)) { return [f](V128 a, V128 b) { return map2<F, F>(a, b, f); }; };
  auto lift1 = [](F (*f)(F)) { return [f](V128 a) { return map1<F, F>(a, f); }; };
  s.bin("fadd", add, lift2(sadd), fc);
  s.bin("fsub", sub, lift2(ssub), fc);
  s.bin("fmul", mul, lift2(smul), fc);
  s.bin("fdiv", div, lift2(sdiv), fc);
  s.bin("fmin", min, lift2(smin), fc);
  s.bin("fmax", max, lift2(smax), fc);
  s.un<F, F>("fsqrt", sqrt, lift1(ssqrt), fc);
  s.un<F, F>("fceil", ceil, lift1(sceil), fc);
  s.un<F, F>("ffloor", floor, lift1(sfloor), fc);
  s.un<F, F>("ftrunc", trunc, lift1(strunc), fc);
  s.un<F, F>("fnearest", nearest, lift1(snearest), fc);
  // Bit-exact ones.
  constexpr I sign = I(1) << (sizeof(I) * 8 - 1);
  s.un<I, I>("fabs", abs, [](V128 a) { return map1<I, I>(a, [](I x) { return I(x & ~sign); }); });
  s.un<I, I>("fneg", neg, [](V128 a) { return map1<I, I>(a, [](I x) { return I(x ^ sign); }); });
  s.bin("pmin", pmin, [](V128 a, V128 b) {
    V128 r;
    for (int i = 0; i < kN<F>; ++i)
      r.setLane<I>(i, lane<F>(b, i) < lane<F>(a, i) ? lane<I>(b, i) : lane<I>(a, i));
    return r;
  });
  s.bin("pmax", pmax, [](V128 a, V128 b) {
    V128 r;
    for (int i = 0; i < kN<F>; ++i)
      r.setLane<I>(i, lane<F>(a, i) < lane<F>(b, i) ? lane<I>(b, i) : lane<I>(a, i));
    return r;
  });
  s.bin("feq", eq, [](V128 a, V128 b) { return cmp2<F>(a, b, std::equal_to<>{}); });
  s.bin("fne", ne, [](V128 a, V128 b) { return cmp2<F>(a, b, std::not_equal_to<>{}); });
  s.bin("flt", lt, [](V128 a, V128 b) { return cmp2<F>(a, b, std::less<>{}); });
  s.bin("fgt", gt, [](V128 a, V128 b) { return cmp2<F>(a, b, std::greater<>{}); });
  s.bin("fle", le, [](V128 a, V128 b) { return cmp2<F>(a, b, std::less_equal<>{}); });
  s.bin("fge", ge, [](V128 a, V128 b) { return cmp2<F>(a, b, std::greater_equal<>{}); });
}

}  // namespace

TEST(SemanticsSimd, SweepIntegerOps) {
  Sweep s;
  using namespace sem;
  sweepIntShape<int8_t, uint8_t>(s, I8x16Add, I8x16Sub, I8x16Neg, I8x16Abs, I8x16Shl, I8x16ShrS, I8x16ShrU,
                                 I8x16Eq, I8x16Ne, I8x16LtS, I8x16GtS, I8x16LeS, I8x16GeS, I8x16AllTrue,
                                 I8x16Bitmask);
  sweepIntShape<int16_t, uint16_t>(s, I16x8Add, I16x8Sub, I16x8Neg, I16x8Abs, I16x8Shl, I16x8ShrS, I16x8ShrU,
                                   I16x8Eq, I16x8Ne, I16x8LtS, I16x8GtS, I16x8LeS, I16x8GeS, I16x8AllTrue,
                                   I16x8Bitmask);
  sweepIntShape<int32_t, uint32_t>(s, I32x4Add, I32x4Sub, I32x4Neg, I32x4Abs, I32x4Shl, I32x4ShrS, I32x4ShrU,
                                   I32x4Eq, I32x4Ne, I32x4LtS, I32x4GtS, I32x4LeS, I32x4GeS, I32x4AllTrue,
                                   I32x4Bitmask);
  sweepIntShape<int64_t, uint64_t>(s, I64x2Add, I64x2Sub, I64x2Neg, I64x2Abs, I64x2Shl, I64x2ShrS, I64x2ShrU,
                                   I64x2Eq, I64x2Ne, I64x2LtS, I64x2GtS, I64x2LeS, I64x2GeS, I64x2AllTrue,
                                   I64x2Bitmask);
  sweepUnsignedCmp<int8_t, uint8_t>(s, I8x16LtU, I8x16GtU, I8x16LeU, I8x16GeU, I8x16MinS, I8x16MinU,
                                    I8x16MaxS, I8x16MaxU);
  sweepUnsignedCmp<int16_t, uint16_t>(s, I16x8LtU, I16x8GtU, I16x8LeU, I16x8GeU, I16x8MinS, I16x8MinU,
                                      I16x8MaxS, I16x8MaxU);
  sweepUnsignedCmp<int32_t, uint32_t>(s, I32x4LtU, I32x4GtU, I32x4LeU, I32x4GeU, I32x4MinS, I32x4MinU,
                                      I32x4MaxS, I32x4MaxU);
  sweepSaturating<int8_t, uint8_t>(s, I8x16AddSatS, I8x16AddSatU, I8x16SubSatS, I8x16SubSatU, I8x16AvgrU);
  sweepSaturating<int16_t, uint16_t>(s, I16x8AddSatS, I16x8AddSatU, I16x8SubSatS, I16x8SubSatU, I16x8AvgrU);
  sweepWidening<int8_t, uint8_t, int16_t, uint16_t>(
      s, I16x8ExtendLowI8x16S, I16x8ExtendHighI8x16S, I16x8ExtendLowI8x16U, I16x8ExtendHighI8x16U,
      I16x8ExtmulLowI8x16S, I16x8ExtmulHighI8x16S, I16x8ExtmulLowI8x16U, I16x8ExtmulHighI8x16U);
  sweepWidening<int16_t, uint16_t, int32_t, uint32_t>(
      s, I32x4ExtendLowI16x8S, I32x4ExtendHighI16x8S, I32x4ExtendLowI16x8U, I32x4ExtendHighI16x8U,
      I32x4ExtmulLowI16x8S, I32x4ExtmulHighI16x8S, I32x4ExtmulLowI16x8U, I32x4ExtmulHighI16x8U);
  sweepWidening<int32_t, uint32_t, int64_t, uint64_t>(
      s, I64x2ExtendLowI32x4S, I64x2ExtendHighI32x4S, I64x2ExtendLowI32x4U, I64x2ExtendHighI32x4U,
      I64x2ExtmulLowI32x4S, I64x2ExtmulHighI32x4S, I64x2ExtmulLowI32x4U, I64x2ExtmulHighI32x4U);

  s.bin("i16x8.mul", I16x8Mul, [](V128 a, V128 b) {
    return map2<uint16_t, uint16_t>(a, b, [](uint16_t x, uint16_t y) { return uint16_t(uint32_t(x) * y); });
  });
  s.bin("i32x4.mul", I32x4Mul, [](V128 a, V128 b) {
    return map2<uint32_t, uint32_t>(a, b, [](uint32_t x, uint32_t y) { return x * y; });
  });
  s.bin("i64x2.mul", I64x2Mul, [](V128 a, V128 b) {
    return map2<uint64_t, uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x * y; });
  });
  s.bin("q15mulr_sat_s", I16x8Q15mulrSatS, [](V128 a, V128 b) {
    return map2<int16_t, int16_t>(
        a, b, [](int16_t x, int16_t y) { return sat<int16_t>((int64_t(x) * y + 0x4000) >> 15); });
  });
  s.bin("dot_i16x8_s", I32x4DotI16x8S, [](V128 a, V128 b) {
    V128 r;
    for (int i = 0; i < 4; ++i) {
      int64_t d = int64_t(lane<int16_t>(a, 2 * i)) * lane<int16_t>(b, 2 * i) +
                  int64_t(lane<int16_t>(a, 2 * i + 1)) * lane<int16_t>(b, 2 * i + 1);
      r.setLane<uint32_t>(i, uint32_t(d));
    }
    return r;
  });
  auto pairwise = [](auto narrowTag, auto wideTag) {
    using N = decltype(narrowTag);
    using W = decltype(wideTag);
    return [](V128 a) {
      V128 r;
      for (int i = 0; i < kN<W>; ++i) r.setLane<W>(i, W(int64_t(lane<N>(a, 2 * i)) + lane<N>(a, 2 * i + 1)));
      return r;
    };
  };
  s.un<int16_t, int8_t>("extadd_s8", I16x8ExtaddPairwiseI8x16S, pairwise(int8_t{}, int16_t{}));
  s.un<int16_t, int8_t>("extadd_u8", I16x8ExtaddPairwiseI8x16U, pairwise(uint8_t{}, uint16_t{}));
  s.un<int32_t, int16_t>("extadd_s16", I32x4ExtaddPairwiseI16x8S, pairwise(int16_t{}, int32_t{}));
  s.un<int32_t, int16_t>("extadd_u16", I32x4ExtaddPairwiseI16x8U, pairwise(uint16_t{}, uint32_t{}));
  auto narrowRef = [](auto wideTag, auto narrowTag) {
    using W = decltype(wideTag);
    using N = decltype(narrowTag);
    return [](V128 a, V128 b) {
      V128 r;
      for (int i = 0; i < kN<W>; ++i) {
        r.setLane<N>(i, sat<N>(lane<W>(a, i)));
        r.setLane<N>(i + kN<W>, sat<N>(lane<W>(b, i)));
      }
      return r;
    };
  };
  s.bin("narrow_i16_s", I8x16NarrowI16x8S, narrowRef(int16_t{}, int8_t{}));
  s.bin("narrow_i16_u", I8x16NarrowI16x8U, narrowRef(int16_t{}, uint8_t{}));
  s.bin("narrow_i32_s", I16x8NarrowI32x4S, narrowRef(int32_t{}, int16_t{}));
  s.bin("narrow_i32_u", I16x8NarrowI32x4U, narrowRef(int32_t{}, uint16_t{}));
  s.un<uint8_t, uint8_t>("popcnt", I8x16Popcnt, [](V128 a) {
    return map1<uint8_t, uint8_t>(a, [](uint8_t x) { return uint8_t(std::popcount(x)); });
  });
  s.reduce("any_true", V128AnyTrue, [](V128 a) { return uint32_t(!(a == V128{})); });

  // Bitwise and lane-index ops.
  s.bin("and", V128And, [](V128 a, V128 b) {
    return map2<uint8_t, uint8_t>(a, b, [](uint8_t x, uint8_t y) { return uint8_t(x & y); });
  });
  s.bin("or", V128Or, [](V128 a, V128 b) {
    return map2<uint8_t, uint8_t>(a, b, [](uint8_t x, uint8_t y) { return uint8_t(x | y); });
  });
  s.bin("xor", V128Xor, [](V128 a, V128 b) {
    return map2<uint8_t, uint8_t>(a, b, [](uint8_t x, uint8_t y) { return uint8_t(x ^ y); });
  });
  s.bin("andnot", V128Andnot, [](V128 a, V128 b) {
    return map2<uint8_t, uint8_t>(a, b, [](uint8_t x, uint8_t y) { return uint8_t(x & ~y); });
  });
  s.un<uint8_t, uint8_t>("not", V128Not, [](V128 a) {
    return map1<uint8_t, uint8_t>(a, [](uint8_t x) { return uint8_t(~x); });
  });
  s.bin("swizzle", I8x16Swizzle, [](V128 a, V128 b) {
    V128 r;
    for (int i = 0; i < 16; ++i) r.bytes[i] = b.bytes[i] < 16 ? a.bytes[b.bytes[i]] : 0;
    return r;
  });
  for (int i = 0; i < kIterations; ++i) {
    V128 a = s.gen.v128(), b = s.gen.v128(), c = s.gen.v128(), idx;
    for (auto& x : idx.bytes) x = uint8_t(s.gen.rng() % 32);
    V128 want, sel;
    for (int j = 0; j < 16; ++j) {
      want.bytes[j] = idx.bytes[j] < 16 ? a.bytes[idx.bytes[j]] : b.bytes[idx.bytes[j] - 16];
      sel.bytes[j] = uint8_t((a.bytes[j] & c.bytes[j]) | (b.bytes[j] & ~c.bytes[j]));
    }
    s.expect("shuffle", I8x16Shuffle(a, b, idx), want, Cmp::Bits, a, b);
    s.expect("bitselect", V128Bitselect(a, b, c), sel, Cmp::Bits, a, b);
    uint32_t l = uint32_t(s.gen.rng());
    uint64_t x = s.gen.rng();
    s.expect32("extract_lane_s8", I8x16ExtractLaneS(a, l % 16), uint32_t(int32_t(lane<int8_t>(a, l % 16))),
               a);
    s.expect32("extract_lane_u8", I8x16ExtractLaneU(a, l % 16), lane<uint8_t>(a, l % 16), a);
    s.expect32("extract_lane_s16", I16x8ExtractLaneS(a, l % 8), uint32_t(int32_t(lane<int16_t>(a, l % 8))),
               a);
    s.expect32("extract_lane_u16", I16x8ExtractLaneU(a, l % 8), lane<uint16_t>(a, l % 8), a);
    s.expect32("extract_lane_i32", I32x4ExtractLane(a, l % 4), lane<uint32_t>(a, l % 4), a);
    s.expect32("extract_lane_i64", uint32_t(I64x2ExtractLane(a, l % 2) >> 7),
               uint32_t(lane<uint64_t>(a, l % 2) >> 7), a);
    V128 r8 = a, r16 = a, r32 = a, r64 = a;
    r8.setLane<uint8_t>(l % 16, uint8_t(x));
    r16.setLane<uint16_t>(l % 8, uint16_t(x));
    r32.setLane<uint32_t>(l % 4, uint32_t(x));
    r64.setLane<uint64_t>(l % 2, x);
    s.expect("replace_lane_i8", I8x16ReplaceLane(a, uint32_t(x), l % 16), r8, Cmp::Bits, a);
    s.expect("replace_lane_i16", I16x8ReplaceLane(a, uint32_t(x), l % 8), r16, Cmp::Bits, a);
    s.expect("replace_lane_i32", I32x4ReplaceLane(a, uint32_t(x), l % 4), r32, Cmp::Bits, a);
    s.expect("replace_lane_i64", I64x2ReplaceLane(a, x, l % 2), r64, Cmp::Bits, a);
    s.expect("replace_lane_f32", F32x4ReplaceLane(a, std::bit_cast<float>(uint32_t(x)), l % 4), r32,
             Cmp::Bits, a);
    s.expect("replace_lane_f64", F64x2ReplaceLane(a, std::bit_cast<double>(x), l % 2), r64, Cmp::Bits, a);
    s.expect("splat_i8", I8x16Splat(uint32_t(x)),
             map1<uint8_t, uint8_t>(a, [&](uint8_t) { return uint8_t(x); }), Cmp::Bits, a);
    s.expect("splat_i16", I16x8Splat(uint32_t(x)),
             map1<uint16_t, uint16_t>(a, [&](uint16_t) { return uint16_t(x); }), Cmp::Bits, a);
    s.expect("splat_f32", F32x4Splat(std::bit_cast<float>(uint32_t(x))), I32x4Splat(uint32_t(x)), Cmp::Bits,
             a);
    s.expect("splat_f64", F64x2Splat(std::bit_cast<double>(x)), I64x2Splat(x), Cmp::Bits, a);
  }
  EXPECT_EQ(s.failures, 0);
}

TEST(SemanticsSimd, SweepFloatOps) {
  Sweep s;
  using namespace sem;
  sweepFloatShape<float, uint32_t>(s, Cmp::F32, F32x4Add, F32Add, F32x4Sub, F32Sub, F32x4Mul, F32Mul,
                                   F32x4Div, F32Div, F32x4Min, F32Min, F32x4Max, F32Max, F32x4Sqrt, F32Sqrt,
                                   F32x4Ceil, F32Ceil, F32x4Floor, F32Floor, F32x4Trunc, F32Trunc,
                                   F32x4Nearest, F32Nearest, F32x4Abs, F32x4Neg, F32x4Pmin, F32x4Pmax,
                                   F32x4Eq, F32x4Ne, F32x4Lt, F32x4Gt, F32x4Le, F32x4Ge);
  sweepFloatShape<double, uint64_t>(s, Cmp::F64, F64x2Add, F64Add, F64x2Sub, F64Sub, F64x2Mul, F64Mul,
                                    F64x2Div, F64Div, F64x2Min, F64Min, F64x2Max, F64Max, F64x2Sqrt, F64Sqrt,
                                    F64x2Ceil, F64Ceil, F64x2Floor, F64Floor, F64x2Trunc, F64Trunc,
                                    F64x2Nearest, F64Nearest, F64x2Abs, F64x2Neg, F64x2Pmin, F64x2Pmax,
                                    F64x2Eq, F64x2Ne, F64x2Lt, F64x2Gt, F64x2Le, F64x2Ge);
  // Conversions against the scalar ops.
  s.un<uint32_t, float>("trunc_sat_f32_s", I32x4TruncSatF32x4S,
                        [](V128 a) { return map1<uint32_t, float>(a, I32TruncSatF32S); });
  s.un<uint32_t, float>("trunc_sat_f32_u", I32x4TruncSatF32x4U,
                        [](V128 a) { return map1<uint32_t, float>(a, I32TruncSatF32U); });
  s.un<float, uint32_t>("convert_i32_s", F32x4ConvertI32x4S,
                        [](V128 a) { return map1<float, uint32_t>(a, F32ConvertI32S); });
  s.un<float, uint32_t>("convert_i32_u", F32x4ConvertI32x4U,
                        [](V128 a) { return map1<float, uint32_t>(a, F32ConvertI32U); });
  auto low2 = [](auto f, auto inTag, auto outTag) {
    using In = decltype(inTag);
    using Out = decltype(outTag);
    return [f](V128 a) {
      V128 r;
      for (int i = 0; i < 2; ++i) r.setLane<Out>(i, f(lane<In>(a, i)));
      return r;
    };
  };
  s.un<uint32_t, uint32_t>("trunc_sat_f64_s_zero", I32x4TruncSatF64x2SZero,
                           low2(I32TruncSatF64S, double{}, uint32_t{}));
  s.un<uint32_t, uint32_t>("trunc_sat_f64_u_zero", I32x4TruncSatF64x2UZero,
                           low2(I32TruncSatF64U, double{}, uint32_t{}));
  s.un<uint32_t, uint32_t>("convert_low_i32_s", F64x2ConvertLowI32x4S,
                           low2(F64ConvertI32S, uint32_t{}, double{}));
  s.un<uint32_t, uint32_t>("convert_low_i32_u", F64x2ConvertLowI32x4U,
                           low2(F64ConvertI32U, uint32_t{}, double{}));
  s.un<uint32_t, uint32_t>("promote_low", F64x2PromoteLowF32x4, low2(F64PromoteF32, float{}, double{}),
                           Cmp::F64);
  s.un<uint32_t, uint32_t>("demote_zero", F32x4DemoteF64x2Zero, low2(F32DemoteF64, double{}, float{}),
                           Cmp::F32);
  for (int i = 0; i < kIterations; ++i) {
    V128 a = s.gen.v128();
    uint32_t l = uint32_t(s.gen.rng());
    s.expect32("extract_lane_f32", std::bit_cast<uint32_t>(F32x4ExtractLane(a, l % 4)),
               lane<uint32_t>(a, l % 4), a);
    s.expect32("extract_lane_f64", uint32_t(std::bit_cast<uint64_t>(F64x2ExtractLane(a, l % 2)) >> 11),
               uint32_t(lane<uint64_t>(a, l % 2) >> 11), a);
  }
  EXPECT_EQ(s.failures, 0);
}
