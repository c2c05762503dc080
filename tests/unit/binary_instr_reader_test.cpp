#include <gtest/gtest.h>

#include <vector>

#include "binary/instr_reader.h"

namespace wharf {
namespace {

Expected<Instr> readOne(const std::vector<uint8_t>& bytes) {
  InstrReader r(bytes, 0, uint32_t(bytes.size()));
  return r.next();
}

std::string errorOf(const std::vector<uint8_t>& bytes) {
  auto r = readOne(bytes);
  return r.ok() ? "<ok>" : r.error().message;
}

TEST(InstrReader, SimpleSequence) {
  std::vector<uint8_t> code{0x41, 0x7F, 0x42, 0x80, 0x01, 0x6A, 0x0B};
  InstrReader r(code, 0, uint32_t(code.size()));
  auto a = r.next();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->op, Opcode::I32Const);
  EXPECT_EQ(a->i32, -1);
  auto b = r.next();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->op, Opcode::I64Const);
  EXPECT_EQ(b->i64, 128);
  EXPECT_EQ(b->offset, 2u);
  EXPECT_EQ(r.next()->op, Opcode::I32Add);
  EXPECT_EQ(r.next()->op, Opcode::End);
  EXPECT_TRUE(r.atEnd());
}

TEST(InstrReader, BlockTypes) {
  auto e = readOne({0x02, 0x40});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->block.kind, BlockType::Empty);
  auto v = readOne({0x03, 0x7E});
  EXPECT_EQ(v->block.kind, BlockType::Value);
  EXPECT_EQ(v->block.type, ValType::i64());
  auto t = readOne({0x04, 0x85, 0x01});
  EXPECT_EQ(t->block.kind, BlockType::TypeIndex);
  EXPECT_EQ(t->block.index, 133u);
  EXPECT_EQ(errorOf({0x02, 0x60}), "malformed reference type");
  EXPECT_EQ(errorOf({0x02}), "unexpected end of section or function");
}

TEST(InstrReader, MemArgAndReservedBytes) {
  auto l = readOne({0x28, 0x02, 0x10});
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->mem.alignLog2, 2u);
  EXPECT_EQ(l->mem.offset, 16u);
  EXPECT_TRUE(readOne({0x28, 0x1F, 0x00}).ok());  // too large, but that is a validation error
  EXPECT_EQ(errorOf({0x28, 0x20, 0x00}), "malformed memop flags");
  EXPECT_EQ(errorOf({0x28, 0x40, 0x00, 0x00}), "malformed memop flags");
  EXPECT_EQ(errorOf({0x28, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00}), "integer representation too long");
  EXPECT_TRUE(readOne({0x3F, 0x00}).ok());
  EXPECT_EQ(errorOf({0x3F, 0x01}), "zero byte expected");
  EXPECT_EQ(errorOf({0x40, 0x80, 0x00}), "zero byte expected");
  EXPECT_EQ(errorOf({0xFC, 0x0A, 0x00, 0x01}), "zero byte expected");
  auto init = readOne({0xFC, 0x08, 0x05, 0x00});
  ASSERT_TRUE(init.ok());
  EXPECT_EQ(init->op, Opcode::MemoryInit);
  EXPECT_EQ(init->index, 5u);
}

TEST(InstrReader, IndicesAndTables) {
  auto ci = readOne({0x11, 0x02, 0x81, 0x00});  // call_indirect type 2, table 1 (non-minimal LEB)
  ASSERT_TRUE(ci.ok());
  EXPECT_EQ(ci->index, 2u);
  EXPECT_EQ(ci->index2, 1u);
  auto ti = readOne({0xFC, 0x0C, 0x03, 0x01});
  EXPECT_EQ(ti->op, Opcode::TableInit);
  EXPECT_EQ(ti->index, 3u);
  EXPECT_EQ(ti->index2, 1u);
  // brTargets points into the reader's scratch, so keep the reader alive.
  std::vector<uint8_t> code{0x0E, 0x03, 0x00, 0x01, 0x02, 0x04};
  InstrReader reader(code, 0, uint32_t(code.size()));
  auto bt = reader.next();
  ASSERT_TRUE(bt.ok());
  ASSERT_EQ(bt->brTargets.size(), 3u);
  EXPECT_EQ(bt->brTargets[2], 2u);
  EXPECT_EQ(bt->brDefault, 4u);
  EXPECT_EQ(errorOf({0x0E, 0x7F, 0x00}), "length out of bounds");
}

TEST(InstrReader, SelectTRefNullAndSimd) {
  auto s = readOne({0x1C, 0x01, 0x7D});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 1u);
  EXPECT_EQ(s->type, ValType::f32());
  auto rn = readOne({0xD0, 0x6F});
  EXPECT_EQ(rn->type, ValType::externref());
  EXPECT_EQ(errorOf({0xD0, 0x7F}), "malformed reference type");
  std::vector<uint8_t> vc{0xFD, 0x0C};
  for (int i = 0; i < 16; ++i) vc.push_back(uint8_t(i));
  auto c = readOne(vc);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->op, Opcode::V128Const);
  EXPECT_EQ(c->v128.bytes[15], 15);
  auto lane = readOne({0xFD, 0x54, 0x00, 0x08, 0x03});
  ASSERT_TRUE(lane.ok());
  EXPECT_EQ(lane->op, Opcode::V128Load8Lane);
  EXPECT_EQ(lane->mem.offset, 8u);
  EXPECT_EQ(lane->lane, 3);
}

TEST(InstrReader, IllegalOpcodes) {
  EXPECT_EQ(errorOf({0x06}), "illegal opcode");
  EXPECT_EQ(errorOf({0xFF}), "illegal opcode");
  EXPECT_EQ(errorOf({0xFC, 0x7F}), "illegal opcode");
  EXPECT_EQ(errorOf({0xFD, 0xFF, 0x7F}), "illegal opcode");
  EXPECT_EQ(errorOf({0xFC}), "unexpected end of section or function");
  auto e = readOne({0x06});
  EXPECT_EQ(e.error().offset, 0u);
}

}  // namespace
}  // namespace wharf
