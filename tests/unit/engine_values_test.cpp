// Printing values: integers signed, floats shortest round-trip, NaN payloads.
#include <gtest/gtest.h>

#include "engine/values.h"

using namespace wharf;

namespace {
std::string f32(uint32_t bits) { return formatValue({ValType::f32(), Value::fromF32Bits(bits)}); }
std::string f64(uint64_t bits) { return formatValue({ValType::f64(), Value::fromF64Bits(bits)}); }
}  // namespace

TEST(EngineValues, Integers) {
  EXPECT_EQ(formatValue({ValType::i32(), Value::fromI32(42)}), "42");
  EXPECT_EQ(formatValue({ValType::i32(), Value::fromI32(0xffffffff)}), "-1");
  EXPECT_EQ(formatValue({ValType::i64(), Value::fromI64(0x8000000000000000ull)}), "-9223372036854775808");
}

TEST(EngineValues, Floats) {
  EXPECT_EQ(f32(0x3fc00000), "1.5");
  EXPECT_EQ(f32(0x80000000), "-0");
  EXPECT_EQ(f32(0x3dcccccd), "0.1");  // shortest form that reads back to the same f32
  EXPECT_EQ(f64(0x3fb999999999999a), "0.1");
  EXPECT_EQ(f32(0x7f800000), "inf");
  EXPECT_EQ(f64(0xfff0000000000000), "-inf");
  EXPECT_EQ(f32(0x7fc00000), "nan");
  EXPECT_EQ(f32(0xffc00000), "-nan");
  EXPECT_EQ(f32(0x7fa00000), "nan:0x200000");
  EXPECT_EQ(f64(0x7ff0000000000001), "nan:0x1");
  EXPECT_EQ(f64(0x0000000000000001), "5e-324");
}

TEST(EngineValues, VectorsAndReferences) {
  V128 v;
  v.setLane<uint32_t>(0, 1);
  v.setLane<uint32_t>(3, 0xdeadbeef);
  EXPECT_EQ(formatValue({ValType::v128(), Value::fromV128(v)}),
            "0x00000001 0x00000000 0x00000000 0xdeadbeef");
  EXPECT_EQ(formatValue({ValType::funcref(), Value::fromRef(nullptr)}), "null");
  int x;
  EXPECT_EQ(formatValue({ValType::externref(), Value::fromRef(&x)}), "externref");
  EXPECT_EQ(formatTypedValue({ValType::i32(), Value::fromI32(7)}), "i32:7");
}
