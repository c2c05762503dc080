// Numeric literal conversion: integer ranges and correctly rounded floats.
#include <gtest/gtest.h>

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "text/literals.h"

using namespace wharf::text;

namespace {

uint32_t f32(std::string_view s) {
  uint32_t bits = 0xDEADBEEF;
  EXPECT_EQ(parseF32(s, &bits), LitStatus::Ok) << s;
  return bits;
}

uint64_t f64(std::string_view s) {
  uint64_t bits = 0xDEADBEEF;
  EXPECT_EQ(parseF64(s, &bits), LitStatus::Ok) << s;
  return bits;
}

LitStatus f32Status(std::string_view s) {
  uint32_t bits;
  return parseF32(s, &bits);
}

LitStatus f64Status(std::string_view s) {
  uint64_t bits;
  return parseF64(s, &bits);
}

uint64_t integer(std::string_view s, unsigned bits) {
  uint64_t v = 0xDEADBEEF;
  EXPECT_EQ(parseInteger(s, bits, &v), LitStatus::Ok) << s;
  return v;
}

LitStatus integerStatus(std::string_view s, unsigned bits) {
  uint64_t v;
  return parseInteger(s, bits, &v);
}

}  // namespace

TEST(TextLiterals, Integers) {
  EXPECT_EQ(integer("0", 32), 0u);
  EXPECT_EQ(integer("4294967295", 32), 0xFFFFFFFFu);
  EXPECT_EQ(integer("-2147483648", 32), 0x80000000u);
  EXPECT_EQ(integer("-1", 32), 0xFFFFFFFFu);
  EXPECT_EQ(integer("+0x7fff_ffff", 32), 0x7FFFFFFFu);
  EXPECT_EQ(integer("0xFFFF_FFFF", 32), 0xFFFFFFFFu);
  EXPECT_EQ(integer("1_000_000", 32), 1000000u);
  EXPECT_EQ(integer("-0x8000000000000000", 64), 0x8000000000000000u);
  EXPECT_EQ(integer("18446744073709551615", 64), ~uint64_t{0});
  EXPECT_EQ(integer("-128", 8), 0x80u);
  EXPECT_EQ(integer("255", 8), 0xFFu);
  EXPECT_EQ(integer("-32768", 16), 0x8000u);

  EXPECT_EQ(integerStatus("4294967296", 32), LitStatus::OutOfRange);
  EXPECT_EQ(integerStatus("-2147483649", 32), LitStatus::OutOfRange);
  EXPECT_EQ(integerStatus("0x1_0000_0000", 32), LitStatus::OutOfRange);
  EXPECT_EQ(integerStatus("18446744073709551616", 64), LitStatus::OutOfRange);
  EXPECT_EQ(integerStatus("-9223372036854775809", 64), LitStatus::OutOfRange);
  EXPECT_EQ(integerStatus("99999999999999999999999999", 64), LitStatus::OutOfRange);
  EXPECT_EQ(integerStatus("256", 8), LitStatus::OutOfRange);
  EXPECT_EQ(integerStatus("-129", 8), LitStatus::OutOfRange);

  EXPECT_EQ(integerStatus("1__0", 32), LitStatus::Malformed);
  EXPECT_EQ(integerStatus("_1", 32), LitStatus::Malformed);
  EXPECT_EQ(integerStatus("1_", 32), LitStatus::Malformed);
  EXPECT_EQ(integerStatus("0x", 32), LitStatus::Malformed);
  EXPECT_EQ(integerStatus("1.0", 32), LitStatus::Malformed);

  uint64_t v;
  EXPECT_EQ(parseUnsigned("+1", UINT32_MAX, &v), LitStatus::Malformed);  // no sign on u32
  EXPECT_EQ(parseUnsigned("4294967296", UINT32_MAX, &v), LitStatus::OutOfRange);
}

TEST(TextLiterals, NumberShapes) {
  EXPECT_EQ(classifyNumber("42"), NumberShape::Nat);
  EXPECT_EQ(classifyNumber("0x2a"), NumberShape::Nat);
  EXPECT_EQ(classifyNumber("-42"), NumberShape::Int);
  EXPECT_EQ(classifyNumber("+0x1"), NumberShape::Int);
  EXPECT_EQ(classifyNumber("1."), NumberShape::Float);
  EXPECT_EQ(classifyNumber("1.e5"), NumberShape::Float);
  EXPECT_EQ(classifyNumber("1e+5"), NumberShape::Float);
  EXPECT_EQ(classifyNumber("0x1p-3"), NumberShape::Float);
  EXPECT_EQ(classifyNumber("0x1.P3"), NumberShape::Float);
  EXPECT_EQ(classifyNumber("-inf"), NumberShape::Float);
  EXPECT_EQ(classifyNumber("nan:0x7f_ffff"), NumberShape::Float);
  for (const char* bad :
       {"0x",   "1x",    "0xg",    ".0",    ".0e0",     "0e", "0e+",  "0.0e-", "0x.", "0x0.g",
        "0x0p", "0x0pA", "nan:0x", "nan:1", "infinity", "1_", "1__2", "--1",   "$x",  "i32"}) {
    EXPECT_EQ(classifyNumber(bad), NumberShape::None) << bad;
  }
}

TEST(TextLiterals, FloatSpecials) {
  EXPECT_EQ(f32("inf"), 0x7F800000u);
  EXPECT_EQ(f32("-inf"), 0xFF800000u);
  EXPECT_EQ(f32("nan"), 0x7FC00000u);
  EXPECT_EQ(f32("-nan"), 0xFFC00000u);
  EXPECT_EQ(f32("nan:0x200000"), 0x7FA00000u);
  EXPECT_EQ(f32("-nan:0x7fffff"), 0xFFFFFFFFu);
  EXPECT_EQ(f32("nan:0x1"), 0x7F800001u);
  EXPECT_EQ(f32Status("nan:0x0"), LitStatus::OutOfRange);
  EXPECT_EQ(f32Status("nan:0x800000"), LitStatus::OutOfRange);
  EXPECT_EQ(f64("nan"), 0x7FF8000000000000u);
  EXPECT_EQ(f64("nan:0xfffffffffffff"), 0x7FFFFFFFFFFFFFFFu);
  EXPECT_EQ(f64Status("nan:0x10000000000000"), LitStatus::OutOfRange);
  EXPECT_EQ(f32("-0"), 0x80000000u);
  EXPECT_EQ(f64("-0.0"), 0x8000000000000000u);
  EXPECT_EQ(f32("0x0p+1000000000000"), 0u);
  EXPECT_EQ(f32("0e-99999999999999999999"), 0u);
}

TEST(TextLiterals, FloatRoundingF32) {
  // Hex mantissas longer than f32 must round once, directly to f32.
  EXPECT_EQ(f32("0x1.fffffefffffffffffp127"), 0x7F7FFFFFu);
  EXPECT_EQ(f32("0x1.fffffe7p127"), 0x7F7FFFFFu);
  EXPECT_EQ(f32("0x1.fffffefffffff8000000p127"), 0x7F7FFFFFu);
  EXPECT_EQ(f32Status("0x1.ffffffp127"), LitStatus::OutOfRange);  // halfway above max: ties to even = inf
  EXPECT_EQ(f32Status("0x1p128"), LitStatus::OutOfRange);
  EXPECT_EQ(f32("0x1.00000100000000000p-50"), 0x26800000u);  // tie, to even
  EXPECT_EQ(f32("0x1.00000100000000001p-50"), 0x26800001u);  // just above the tie
  EXPECT_EQ(f32("0x1.000003p0"), 0x3F800002u);               // tie, odd -> up
  // Decimal overflow: 1e39 rounds to infinity, which is out of range.
  EXPECT_EQ(f32("1e38"), 0x7E967699u);
  EXPECT_EQ(f32Status("1e39"), LitStatus::OutOfRange);
  EXPECT_EQ(f32("340282356779733623858607532500980858880"), 0x7F7FFFFFu);
  EXPECT_EQ(f32Status("340282356779733661637539395458142568448"), LitStatus::OutOfRange);
  // Subnormals and underflow.
  EXPECT_EQ(f32("0x1p-149"), 0x00000001u);
  EXPECT_EQ(f32("0x1p-150"), 0x00000000u);  // tie between 0 and the smallest subnormal
  EXPECT_EQ(f32("0x1.8p-150"), 0x00000001u);
  EXPECT_EQ(f32("0x1.fffffcp-127"), 0x007FFFFFu);
  EXPECT_EQ(f32("0x1.fffffep-127"), 0x00800000u);  // rounds up into the normal range
  EXPECT_EQ(f32("1e-50"), 0u);
  // Double rounding trap: via f64 this would be an exact tie and round down.
  EXPECT_EQ(f32("1.000000059604644775390625001"), 0x3F800001u);
  EXPECT_EQ(f32("1.000000059604644775390625"), 0x3F800000u);
  EXPECT_EQ(f32("0.1"), 0x3DCCCCCDu);
  EXPECT_EQ(f32("1_000.000_1e-0_3"), std::bit_cast<uint32_t>(1.0000001f));
}

TEST(TextLiterals, FloatRoundingF64) {
  EXPECT_EQ(f64("0x1.fffffffffffff7ffffffp1023"), 0x7FEFFFFFFFFFFFFFu);
  EXPECT_EQ(f64Status("0x1.fffffffffffff8p1023"), LitStatus::OutOfRange);  // tie above max: to even = inf
  EXPECT_EQ(f64Status("0x1p1024"), LitStatus::OutOfRange);
  EXPECT_EQ(f64Status("1e309"), LitStatus::OutOfRange);
  EXPECT_EQ(f64("1e308"), std::bit_cast<uint64_t>(1e308));
  EXPECT_EQ(f64("0x1p-1074"), 1u);
  EXPECT_EQ(f64("0x1p-1075"), 0u);
  EXPECT_EQ(f64("0x1.0000000000001p-1075"), 1u);
  EXPECT_EQ(f64("4.9406564584124654e-324"), 1u);
  EXPECT_EQ(f64("2.4703282292062327e-324"), 0u);  // just below half the smallest subnormal
  EXPECT_EQ(f64("2.4703282292062328e-324"), 1u);  // just above
  EXPECT_EQ(f64("17976931348623157081452742373170435679807056752584499659891747680315726078002853876058955863"
                "2766878"
                "17154045895351438246423432132688946418276846754670353751698604991057655128207624549009038932"
                "8944075"
                "86850845513394230458323690322294816580855933212334827479782620414472316873817718091929988125"
                "0404026"
                "184124858368"),
            0x7FEFFFFFFFFFFFFFu);
  EXPECT_EQ(f64("0.1"), std::bit_cast<uint64_t>(0.1));
  EXPECT_EQ(f64("123456789012345678901234567890"), std::bit_cast<uint64_t>(123456789012345678901234567890.0));
  // An exact decimal tie far beyond 19 digits: 1 + 2^-53 rounds to even (1.0).
  EXPECT_EQ(f64("1.00000000000000011102230246251565404236316680908203125"), 0x3FF0000000000000u);
  EXPECT_EQ(f64("1.00000000000000011102230246251565404236316680908203125000000000000000001"),
            0x3FF0000000000001u);
}

// Cross-check against the C library, whose strtod/strtof are correctly
// rounded (glibc), on random decimal and hex inputs.
TEST(TextLiterals, FloatsMatchCorrectlyRoundedLibc) {
  std::mt19937_64 rng(12345);
  auto digits = [&](int n, bool hex) {
    std::string s;
    for (int i = 0; i < n; ++i)
      s.push_back((hex ? "0123456789abcdef" : "0123456789")[rng() % (hex ? 16 : 10)]);
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    const bool hex = i % 2;
    std::string s = hex ? "0x" : "";
    s += digits(1 + int(rng() % 25), hex);
    if (rng() % 2) s += "." + digits(int(rng() % 30), hex);
    int range = hex ? 2300 : 700;
    s += (hex ? "p" : "e") + std::to_string(int(rng() % range) - range / 2);
    if (rng() % 2) s = "-" + s;

    errno = 0;
    double d = std::strtod(s.c_str(), nullptr);
    uint64_t b64;
    LitStatus st64 = parseF64(s, &b64);
    if (std::isinf(d)) {
      EXPECT_EQ(st64, LitStatus::OutOfRange) << s;
    } else {
      ASSERT_EQ(st64, LitStatus::Ok) << s;
      EXPECT_EQ(b64, std::bit_cast<uint64_t>(d)) << s;
    }

    float f = std::strtof(s.c_str(), nullptr);
    uint32_t b32;
    LitStatus st32 = parseF32(s, &b32);
    if (std::isinf(f)) {
      EXPECT_EQ(st32, LitStatus::OutOfRange) << s;
    } else {
      ASSERT_EQ(st32, LitStatus::Ok) << s;
      EXPECT_EQ(b32, std::bit_cast<uint32_t>(f)) << s;
    }
  }
}

// Values straddling f32 rounding boundaries, where going through f64 first
// would round twice.
TEST(TextLiterals, F32NearTiesMatchLibc) {
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    uint32_t bits = rng() & 0x7F7FFFFF;
    float lo = std::bit_cast<float>(bits);
    float hi = std::nextafter(lo, INFINITY);
    long double mid = (static_cast<long double>(lo) + static_cast<long double>(hi)) / 2;
    char buf[128];
    for (int delta = -1; delta <= 1; ++delta) {
      long double v = mid + delta * mid * 1e-17L;
      std::snprintf(buf, sizeof buf, "%.40Le", v);
      float expect = std::strtof(buf, nullptr);
      uint32_t got;
      if (std::isinf(expect)) continue;
      ASSERT_EQ(parseF32(buf, &got), LitStatus::Ok) << buf;
      EXPECT_EQ(got, std::bit_cast<uint32_t>(expect)) << buf;
    }
  }
}
