// The validator types common instructions in a register loop while at least
// 16 bytes of the body are left, and everything else (and the last bytes of a
// body) on its full path. These tests check that both give the same answer:
// each body is validated as is (short, so on the full path) and followed by
// enough nops for the fast loop to see every one of its instructions. They
// also check that splitting the functions of a large module between threads
// still reports the first invalid function.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "binary/module.h"
#include "validate/validator.h"

using namespace wharf;

namespace {

using Bytes = std::vector<uint8_t>;

const ValType I32 = ValType::i32(), I64 = ValType::i64(), F32 = ValType::f32(), VEC = ValType::v128();

struct Case {
  const char* name;
  Bytes body;  // without the final end
  std::vector<ValType> results;
  bool memory = true;
};

// A module with one imported global, an optional memory and one function of
// type [i32 i64] -> results, with locals f32 and v128, and `body`.
Module moduleFor(const Case& c, size_t padding) {
  Module m;
  m.types.push_back(FuncType{{I32, I64}, c.results});
  m.globals.push_back(GlobalType{I32, Mutability::Const});
  Import im;
  im.kind = ExternKind::Global;
  im.global = m.globals[0];
  m.imports.push_back(im);
  m.numImportedGlobals = 1;
  if (c.memory) m.memories.push_back(MemoryType{});
  m.bytes = c.body;
  m.bytes.insert(m.bytes.end(), padding, 0x01);  // nop
  m.bytes.push_back(0x0B);
  Function f;
  f.typeIndex = 0;
  f.locals = {{1, F32}, {1, VEC}};
  f.numLocals = 2;
  f.body = ByteRange{0, uint32_t(m.bytes.size())};
  f.code = f.body;
  m.functions.push_back(f);
  m.funcs.push_back(0);
  return m;
}

std::string outcome(const Module& m) {
  auto r = validateModule(m);
  if (!r.ok()) return r.error().describe();
  const FunctionValidationInfo& f = r->functions[0];
  return "valid " + std::to_string(f.maxStackValues) + "/" + std::to_string(f.maxStackSlots) + "/" +
         std::to_string(f.maxControlDepth);
}

}  // namespace

TEST(ValidatorFastPath, AgreesWithTheFullPath) {
  const Case cases[] = {
      {"locals", {0x20, 0x00, 0x20, 0x00, 0x6A}, {I32}},
      {"local kinds differ", {0x20, 0x01, 0x20, 0x00, 0x6A}, {I32}},
      {"unknown local", {0x20, 0x09}, {I32}},
      {"local.set mismatch", {0x42, 0x00, 0x21, 0x00}, {}},
      {"local.set empty", {0x21, 0x00}, {}},
      {"local.tee empty", {0x22, 0x01}, {I64}},
      {"local.tee", {0x20, 0x01, 0x22, 0x01}, {I64}},
      {"local.set after unreachable", {0x00, 0x21, 0x00}, {}},
      {"local.tee after unreachable", {0x00, 0x22, 0x01}, {I64}},
      {"add after unreachable", {0x00, 0x6A}, {I32}},
      {"add one unknown", {0x00, 0x41, 0x01, 0x6A}, {I32}},
      {"add mixed", {0x41, 0x01, 0x42, 0x01, 0x6A}, {I32}},
      {"v128 local", {0x20, 0x03, 0x1A}, {}},
      {"f32 const", {0x43, 0, 0, 0x80, 0x3F, 0x20, 0x02, 0x92}, {F32}},
      {"f64 const mismatch", {0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x02, 0x92}, {F32}},
      {"i64 const 9 bytes", {0x42, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, {I64}},
      {"i64 const 10 bytes", {0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, {I64}},
      {"i32 const 5 bytes", {0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x07}, {I32}},
      {"i32 const too large", {0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x4F}, {I32}},
      {"load", {0x41, 0x00, 0x28, 0x02, 0x00}, {I32}},
      {"load long offset", {0x41, 0x00, 0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x00}, {I32}},
      {"load misaligned", {0x41, 0x00, 0x28, 0x03, 0x00}, {I32}},
      {"load bad flags", {0x41, 0x00, 0x28, 0x40, 0x00}, {I32}},
      {"load no memory", {0x41, 0x00, 0x28, 0x02, 0x00}, {I32}, false},
      {"store", {0x41, 0x00, 0x20, 0x01, 0x37, 0x03, 0x08}, {}},
      {"store swapped", {0x20, 0x01, 0x41, 0x00, 0x37, 0x03, 0x08}, {}},
      {"block", {0x02, 0x40, 0x41, 0x01, 0x1A, 0x0B}, {}},
      {"block leftover", {0x02, 0x40, 0x41, 0x01, 0x0B}, {}},
      {"block result", {0x02, 0x7F, 0x41, 0x01, 0x0B}, {I32}},
      {"block result missing", {0x02, 0x7F, 0x0B}, {I32}},
      {"block result wrong", {0x02, 0x7F, 0x42, 0x01, 0x0B}, {I32}},
      {"block unreachable leftover", {0x02, 0x40, 0x00, 0x41, 0x01, 0x0B}, {}},
      {"block pops past start", {0x41, 0x01, 0x02, 0x40, 0x1A, 0x0B, 0x1A}, {}},
      {"nested blocks", {0x02, 0x40, 0x03, 0x40, 0x02, 0x40, 0x0C, 0x02, 0x0B, 0x0B, 0x0B}, {}},
      {"loop br", {0x03, 0x40, 0x0C, 0x00, 0x0B}, {}},
      {"br_if", {0x02, 0x40, 0x41, 0x00, 0x0D, 0x00, 0x0B}, {}},
      {"br_if value", {0x02, 0x7F, 0x41, 0x01, 0x41, 0x00, 0x0D, 0x00, 0x0B}, {I32}},
      {"br_if value wrong", {0x02, 0x7F, 0x42, 0x01, 0x41, 0x00, 0x0D, 0x00, 0x1A, 0x41, 0x00, 0x0B}, {I32}},
      {"br_if no condition", {0x02, 0x40, 0x0D, 0x00, 0x0B}, {}},
      {"br_if i64 condition", {0x02, 0x40, 0x42, 0x00, 0x0D, 0x00, 0x0B}, {}},
      {"br_if unknown label", {0x41, 0x00, 0x0D, 0x05}, {}},
      {"br value", {0x02, 0x7F, 0x41, 0x01, 0x0C, 0x00, 0x0B}, {I32}},
      {"br value missing", {0x02, 0x7F, 0x0C, 0x00, 0x0B}, {I32}},
      {"br function label", {0x20, 0x00, 0x0C, 0x00}, {I32}},
      {"code after br", {0x02, 0x40, 0x0C, 0x00, 0x6A, 0x1A, 0x0B}, {}},
      {"call", {0x20, 0x00, 0x20, 0x01, 0x10, 0x00}, {I32}},
      {"call wrong args", {0x20, 0x01, 0x20, 0x00, 0x10, 0x00}, {I32}},
      {"call too few", {0x20, 0x01, 0x10, 0x00}, {I32}},
      {"call unknown", {0x10, 0x03}, {}},
      {"call 5-byte index", {0x20, 0x00, 0x20, 0x01, 0x10, 0x80, 0x80, 0x80, 0x80, 0x00}, {I32}},
      {"drop", {0x41, 0x00, 0x1A}, {}},
      {"drop empty", {0x1A}, {}},
      {"drop after unreachable", {0x00, 0x1A}, {}},
      {"select", {0x20, 0x00, 0x20, 0x00, 0x41, 0x00, 0x1B}, {I32}},
      {"select kinds differ", {0x20, 0x00, 0x20, 0x01, 0x41, 0x00, 0x1B}, {I32}},
      {"select refs", {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1B, 0x1A}, {}},
      {"select i64 condition", {0x20, 0x00, 0x20, 0x00, 0x42, 0x00, 0x1B}, {I32}},
      {"select after unreachable", {0x00, 0x1B}, {I32}},
      {"global.get", {0x23, 0x00}, {I32}},
      {"global.get unknown", {0x23, 0x01}, {I32}},
      {"if else", {0x41, 0x01, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B}, {I32}},
      {"if without else", {0x41, 0x01, 0x04, 0x40, 0x0B}, {}},
      {"else result wrong", {0x41, 0x01, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x42, 0x02, 0x0B}, {I32}},
      {"unreachable then end", {0x02, 0x7F, 0x00, 0x0B}, {I32}},
      {"v128 slots", {0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1A}, {}},
      {"return", {0x20, 0x00, 0x0F, 0x1A}, {I32}},
      {"operators after end", {0x0B, 0x01}, {}},
  };
  for (const Case& c : cases) {
    std::string full = outcome(moduleFor(c, 0));
    std::string fast = outcome(moduleFor(c, 20));
    // Padding only adds nops: errors inside the body and stack bounds are the same.
    EXPECT_EQ(full, fast) << c.name;
  }
}

namespace {

// A module of `n` functions of type [] -> [], each 61 bytes long (1.2 MB
// for 20000, enough for two validation threads); the functions listed in
// `invalid` add an i64 to an i32.
struct LargeModule {
  Module m;
  std::vector<uint32_t> badAt;  // offset of each invalid function's i32.add
};

LargeModule largeModule(uint32_t n, const std::vector<uint32_t>& invalid) {
  LargeModule lm;
  Module& m = lm.m;
  m.types.push_back(FuncType{{}, {}});
  for (uint32_t i = 0; i < n; ++i) {
    bool bad = std::find(invalid.begin(), invalid.end(), i) != invalid.end();
    uint32_t start = uint32_t(m.bytes.size());
    Bytes body;
    for (int k = 0; k < 10; ++k) body.insert(body.end(), {0x41, 0x00, 0x1A});  // i32.const 0; drop
    if (bad) {
      body.insert(body.end(), {0x42, 0x00, 0x6A});  // i64.const 0; i32.add
      lm.badAt.push_back(start + uint32_t(body.size()) - 1);
    }
    body.resize(60, 0x01);  // nops
    body.push_back(0x0B);
    m.bytes.insert(m.bytes.end(), body.begin(), body.end());
    Function f;
    f.body = ByteRange{start, uint32_t(body.size())};
    f.code = f.body;
    m.functions.push_back(f);
    m.funcs.push_back(0);
  }
  return lm;
}

}  // namespace

TEST(ValidatorParallel, ReportsTheFirstInvalidFunction) {
  LargeModule ok = largeModule(20000, {});
  EXPECT_TRUE(validateModule(ok.m).ok());

  for (const std::vector<uint32_t>& invalid :
       std::vector<std::vector<uint32_t>>{{100, 15000},
                                          {19999},
                                          {0, 19999},
                                          {9999, 10000, 10001},
                                          {15000, 16000, 17000},
                                          // Close together, so that both threads find one.
                                          {7000, 7005, 7016, 7017, 7033, 7040, 7100}}) {
    LargeModule lm = largeModule(20000, invalid);
    for (int run = 0; run < 10; ++run) {
      auto r = validateModule(lm.m);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().message, "type mismatch");
      EXPECT_EQ(r.error().offset, lm.badAt[0]) << "first invalid function " << invalid[0];
    }
  }
}
