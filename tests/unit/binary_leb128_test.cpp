#include <gtest/gtest.h>

#include <vector>

#include "binary/leb128.h"

namespace wharf {
namespace {

template <typename T, typename F>
LebStatus run(F f, std::vector<uint8_t> bytes, T& out, uint32_t& pos) {
  pos = 0;
  return f(bytes.data(), pos, uint32_t(bytes.size()), out);
}

TEST(Leb128, U32Basics) {
  uint32_t v, pos;
  EXPECT_EQ(run(readVarU32, {0x00}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(run(readVarU32, {0xE5, 0x8E, 0x26}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, 624485u);
  EXPECT_EQ(pos, 3u);
  EXPECT_EQ(run(readVarU32, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, 0xFFFFFFFFu);
}

TEST(Leb128, U32NonMinimalWithinBoundsIsAccepted) {
  uint32_t v, pos;
  EXPECT_EQ(run(readVarU32, {0x80, 0x80, 0x80, 0x80, 0x00}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(pos, 5u);
  EXPECT_EQ(run(readVarU32, {0x83, 0x80, 0x00}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, 3u);
}

TEST(Leb128, U32TooLongAndTooLarge) {
  uint32_t v, pos;
  EXPECT_EQ(run(readVarU32, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, v, pos), LebStatus::TooLong);
  EXPECT_EQ(pos, 5u);  // the sixth byte is the offending one
  EXPECT_EQ(run(readVarU32, {0x80, 0x80, 0x80, 0x80, 0x10}, v, pos), LebStatus::TooLarge);
  EXPECT_EQ(pos, 4u);
  EXPECT_EQ(run(readVarU32, {0xFF, 0xFF, 0xFF, 0xFF, 0x4F}, v, pos), LebStatus::TooLarge);
  // Unused bits are checked before the continuation bit.
  EXPECT_EQ(run(readVarU32, {0x80, 0x80, 0x80, 0x80, 0x90, 0x00}, v, pos), LebStatus::TooLarge);
}

TEST(Leb128, UnexpectedEnd) {
  uint32_t v, pos;
  EXPECT_EQ(run(readVarU32, {}, v, pos), LebStatus::End);
  EXPECT_EQ(run(readVarU32, {0x80}, v, pos), LebStatus::End);
  EXPECT_EQ(pos, 1u);
  int64_t s, p2;
  (void)p2;
  EXPECT_EQ(run(readVarS64, {0xFF, 0xFF}, s, pos), LebStatus::End);
}

TEST(Leb128, S32) {
  int32_t v;
  uint32_t pos;
  EXPECT_EQ(run(readVarS32, {0x7F}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, -1);
  EXPECT_EQ(run(readVarS32, {0x3F}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, 63);
  EXPECT_EQ(run(readVarS32, {0xC0, 0xBB, 0x78}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, -123456);
  EXPECT_EQ(run(readVarS32, {0x80, 0x80, 0x80, 0x80, 0x78}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, INT32_MIN);
  EXPECT_EQ(run(readVarS32, {0xFF, 0xFF, 0xFF, 0xFF, 0x07}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, INT32_MAX);
  EXPECT_EQ(run(readVarS32, {0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, -1);
  // Sign bit (0x08) and unused bits (0x70) disagree.
  EXPECT_EQ(run(readVarS32, {0x80, 0x80, 0x80, 0x80, 0x70}, v, pos), LebStatus::TooLarge);
  EXPECT_EQ(run(readVarS32, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, v, pos), LebStatus::TooLarge);
  EXPECT_EQ(run(readVarS32, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, v, pos), LebStatus::TooLong);
}

TEST(Leb128, S33) {
  int64_t v;
  uint32_t pos;
  EXPECT_EQ(run(readVarS33, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, 0xFFFFFFFFll);
  EXPECT_EQ(run(readVarS33, {0x80, 0x80, 0x80, 0x80, 0x70}, v, pos), LebStatus::Ok);
  EXPECT_EQ(v, -(1ll << 32));
  EXPECT_EQ(run(readVarS33, {0x80, 0x80, 0x80, 0x80, 0x10}, v, pos), LebStatus::TooLarge);
}

TEST(Leb128, S64AndU64) {
  int64_t v;
  uint32_t pos;
  EXPECT_EQ(run(readVarS64, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}, v, pos),
            LebStatus::Ok);
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_EQ(run(readVarS64, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}, v, pos),
            LebStatus::Ok);
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_EQ(run(readVarS64, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, v, pos),
            LebStatus::TooLarge);
  EXPECT_EQ(run(readVarS64, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7E}, v, pos),
            LebStatus::TooLarge);
  EXPECT_EQ(run(readVarS64, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, v, pos),
            LebStatus::TooLong);
  uint64_t u;
  EXPECT_EQ(run(readVarU64, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, u, pos),
            LebStatus::Ok);
  EXPECT_EQ(u, UINT64_MAX);
  EXPECT_EQ(run(readVarU64, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, u, pos),
            LebStatus::TooLarge);
}

TEST(Leb128, OneBitFlags) {
  uint64_t v;
  std::vector<uint8_t> b{0x01};
  uint32_t pos = 0;
  EXPECT_EQ((decodeLeb<1, false>(b.data(), pos, 1, v)), LebStatus::Ok);
  EXPECT_EQ(v, 1u);
  b = {0x02};
  pos = 0;
  EXPECT_EQ((decodeLeb<1, false>(b.data(), pos, 1, v)), LebStatus::TooLarge);
  b = {0x81, 0x00};
  pos = 0;
  EXPECT_EQ((decodeLeb<1, false>(b.data(), pos, 2, v)), LebStatus::TooLong);
}

}  // namespace
}  // namespace wharf
