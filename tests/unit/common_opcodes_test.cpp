#include <gtest/gtest.h>

#include <set>

#include "common/opcodes.h"

using namespace wharf;

TEST(Opcodes, BinaryLookupRoundTrips) {
  for (uint16_t i = 0; i < kNumOpcodes; ++i) {
    auto op = static_cast<Opcode>(i);
    auto found = lookupOpcode(opInfo(op).prefix, opInfo(op).code);
    ASSERT_TRUE(found.has_value()) << opInfo(op).text;
    EXPECT_EQ(*found, op) << opInfo(op).text;
  }
}

TEST(Opcodes, TextLookupRoundTrips) {
  for (uint16_t i = 0; i < kNumOpcodes; ++i) {
    auto op = static_cast<Opcode>(i);
    if (op == Opcode::SelectT) {
      EXPECT_FALSE(lookupOpcodeByName("select_t").has_value());
      continue;
    }
    auto found = lookupOpcodeByName(opInfo(op).text);
    ASSERT_TRUE(found.has_value()) << opInfo(op).text;
    EXPECT_EQ(*found, op);
  }
  EXPECT_FALSE(lookupOpcodeByName("i32.frobnicate").has_value());
}

TEST(Opcodes, TableFacts) {
  EXPECT_EQ(kNumOpcodes, 437);  // the 2.0 instruction set
  EXPECT_EQ(opInfo(Opcode::I32Add).sig.numParams, 2);
  EXPECT_EQ(opInfo(Opcode::I32Add).sig.result, ValType::I32);
  EXPECT_EQ(opInfo(Opcode::F64ConvertI64U).sig.params[0], ValType::I64);
  EXPECT_EQ(opInfo(Opcode::V128Bitselect).sig.numParams, 3);
  EXPECT_FALSE(opInfo(Opcode::Call).sig.known);
  EXPECT_TRUE(opInfo(Opcode::I64Const).flags & kConst);
  EXPECT_FALSE(opInfo(Opcode::I64Add).flags & kConst);
  EXPECT_EQ(naturalAlignmentLog2(Opcode::I64Load32U), 2);
  EXPECT_EQ(laneCount(Opcode::I16x8ExtractLaneS), 8u);
  EXPECT_FALSE(lookupOpcode(0xFD, 0x9a).has_value());  // gap in the SIMD space
}
