#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "binary/decoder.h"
#include "binary/inspect.h"

namespace wharf {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes uleb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
  return out;
}
Bytes str(const std::string& s) { return cat({uleb(s.size()), Bytes(s.begin(), s.end())}); }
Bytes vec(std::initializer_list<Bytes> items) {
  Bytes out = uleb(items.size());
  for (const Bytes& i : items) out.insert(out.end(), i.begin(), i.end());
  return out;
}
Bytes section(uint8_t id, const Bytes& contents) { return cat({{id}, uleb(contents.size()), contents}); }
Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}
// A code entry: local runs and instruction bytes (which should include the final end).
Bytes body(const Bytes& locals, const Bytes& code) {
  Bytes e = cat({locals, code});
  return cat({uleb(e.size()), e});
}

const Bytes kVoidType = section(1, vec({{0x60, 0x00, 0x00}}));
const Bytes kOneFunc = section(3, vec({{0x00}}));

std::shared_ptr<const Module> decodeOk(const Bytes& b) {
  auto m = decodeModule(b);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().describe());
  return m.ok() ? *m : nullptr;
}
Error decodeErr(const Bytes& b) {
  auto m = decodeModule(b);
  EXPECT_FALSE(m.ok());
  return m.ok() ? Error{} : m.error();
}
std::string msg(const Bytes& b) { return decodeErr(b).message; }

TEST(Decoder, EmptyModule) {
  auto m = decodeOk(module({}));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->sections.empty());
  EXPECT_EQ(m->bytes.size(), 8u);
}

TEST(Decoder, Header) {
  EXPECT_EQ(msg({}), "unexpected end");
  EXPECT_EQ(msg({0x00, 0x61, 0x73}), "unexpected end");
  EXPECT_EQ(msg({0x00, 0x61, 0x73, 0x6E, 1, 0, 0, 0}), "magic header not detected");
  EXPECT_EQ(msg({0x00, 0x61, 0x73, 0x6D, 1, 0}), "unexpected end");
  Error e = decodeErr({0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0});
  EXPECT_EQ(e.message, "unknown binary version");
  EXPECT_EQ(e.offset, 4u);
}

// A module using every section and every element/data segment form.
Bytes richModule() {
  Bytes types = section(1, vec({{0x60, 0x01, 0x7F, 0x01, 0x7F}, {0x60, 0x00, 0x00}}));
  Bytes imports = section(2, vec({cat({str("env"), str("f"), {0x00, 0x00}}),
                                  cat({str("env"), str("t"), {0x01, 0x70, 0x01, 0x01, 0x10}}),
                                  cat({str("env"), str("m"), {0x02, 0x00, 0x01}}),
                                  cat({str("env"), str("g"), {0x03, 0x7E, 0x01}}),
                                  // Duplicate import names are fine.
                                  cat({str("env"), str("f"), {0x00, 0x00}})}));
  Bytes funcs = section(3, vec({{0x00}, {0x01}}));
  Bytes tables = section(4, vec({{0x6F, 0x00, 0x02}}));
  Bytes globals = section(6, vec({{0x7F, 0x00, 0x41, 0x05, 0x0B}, {0x70, 0x01, 0xD2, 0x02, 0x0B}}));
  Bytes exports = section(7, vec({cat({str("add"), {0x00, 0x02}}), cat({str("g"), {0x03, 0x01}})}));
  Bytes start = section(8, {0x03});
  Bytes elems = section(9, vec({
                               {0x00, 0x41, 0x00, 0x0B, 0x01, 0x02},  // 0: active, table 0, indices
                               {0x01, 0x00, 0x02, 0x02, 0x03},        // 1: passive, elemkind
                               {0x02, 0x00, 0x41, 0x01, 0x0B, 0x00, 0x01, 0x02},  // 2: active table 0
                               {0x03, 0x00, 0x01, 0x03},                          // 3: declarative
                               {0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x02, 0x0B},  // 4: active, exprs
                               {0x05, 0x70, 0x01, 0xD0, 0x70, 0x0B},              // 5: passive, exprs
                               {0x06, 0x01, 0x41, 0x00, 0x0B, 0x6F, 0x00},        // 6: table 1
                               {0x07, 0x70, 0x01, 0xD2, 0x03, 0x0B},              // 7: declarative, exprs
                           }));
  Bytes datacount = section(12, {0x03});
  Bytes code = section(
      10, vec({body({0x01, 0x02, 0x7F}, {0x20, 0x00, 0x0B}), body({0x00}, {0xFC, 0x09, 0x01, 0x0B})}));
  Bytes data = section(11, vec({cat({{0x00, 0x41, 0x00, 0x0B}, str("hi")}), cat({{0x01}, str("xyz")}),
                                cat({{0x02, 0x00, 0x41, 0x08, 0x0B}, str("")})}));
  // Name section: module name "mod", function 2 named "add".
  Bytes nameContents = cat({str("name"),
                            {0x00},
                            uleb(str("mod").size()),
                            str("mod"),
                            {0x01},
                            uleb(cat({vec({cat({{0x02}, str("add")})})}).size()),
                            vec({cat({{0x02}, str("add")})})});
  Bytes custom = section(0, cat({str("extra"), {0xDE, 0xAD}}));
  return module({types, imports, funcs, tables, globals, exports, start, elems, datacount, code, data,
                 section(0, nameContents), custom});
}

TEST(Decoder, EverySection) {
  auto m = decodeOk(richModule());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->types.size(), 2u);
  EXPECT_EQ(m->imports.size(), 5u);
  EXPECT_EQ(m->numImportedFuncs, 2u);
  EXPECT_EQ(m->funcs.size(), 4u);
  EXPECT_EQ(m->tables.size(), 2u);
  EXPECT_EQ(m->tables[0].limits.max, std::optional<uint64_t>(16));
  EXPECT_EQ(m->tables[1].elem, ValType::externref());
  EXPECT_EQ(m->memories.size(), 1u);
  EXPECT_EQ(m->globals.size(), 3u);
  EXPECT_EQ(m->globals[0].type, ValType::i64());
  EXPECT_EQ(m->globals[0].mut, Mutability::Var);
  EXPECT_EQ(m->globalDefs.size(), 2u);
  EXPECT_EQ(m->globalDefs[0].init.size, 3u);
  EXPECT_EQ(m->exports.size(), 2u);
  EXPECT_EQ(m->exports[1].kind, ExternKind::Global);
  EXPECT_EQ(m->start, std::optional<uint32_t>(3));
  ASSERT_EQ(m->elems.size(), 8u);
  EXPECT_EQ(m->elems[0].mode, SegmentMode::Active);
  EXPECT_EQ(m->elems[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m->elems[1].funcIndices, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(m->elems[3].mode, SegmentMode::Declarative);
  EXPECT_TRUE(m->elems[4].usesExprs);
  EXPECT_EQ(m->elems[5].exprs.size(), 1u);
  EXPECT_EQ(m->elems[6].table, 1u);
  EXPECT_EQ(m->elems[6].type, ValType::externref());
  EXPECT_EQ(m->elems[6].size(), 0u);
  EXPECT_EQ(m->dataCount, std::optional<uint32_t>(3));
  ASSERT_EQ(m->functions.size(), 2u);
  EXPECT_EQ(m->functions[0].typeIndex, 0u);
  EXPECT_EQ(m->functions[0].numLocals, 2u);
  EXPECT_EQ(m->functions[1].typeIndex, 1u);
  EXPECT_EQ(m->functions[0].body.size, 3u);
  EXPECT_EQ(m->data(m->functions[0].body)[0], 0x20);
  ASSERT_EQ(m->datas.size(), 3u);
  EXPECT_EQ(m->datas[0].init.size, 2u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m->data(m->datas[0].init)), 2), "hi");
  EXPECT_EQ(m->datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m->datas[2].memory, 0u);
  EXPECT_EQ(m->moduleName, "mod");
  EXPECT_EQ(m->funcNames.at(2), "add");
  ASSERT_EQ(m->customs.size(), 2u);
  EXPECT_EQ(m->customs[1].name, "extra");
  EXPECT_EQ(m->customs[1].contents.size, 2u);
  EXPECT_EQ(m->data(m->customs[1].contents)[0], 0xDE);
  ASSERT_EQ(m->sections.size(), 13u);
  EXPECT_EQ(m->sections[0].id, SectionId::Type);
  EXPECT_EQ(m->sections[0].contents.offset, 10u);
  EXPECT_EQ(m->sections[8].id, SectionId::DataCount);

  std::string text = describeModule(*m);
  EXPECT_NE(text.find("module \"mod\""), std::string::npos) << text;
  EXPECT_NE(text.find("datacount"), std::string::npos);
  EXPECT_NE(text.find("\"env\".\"g\" global mut i64"), std::string::npos) << text;
  EXPECT_NE(text.find("\"add\" func 2"), std::string::npos);
  EXPECT_NE(text.find("func 2: type 0, 2 locals"), std::string::npos) << text;
  EXPECT_NE(text.find("\"extra\""), std::string::npos);
}

TEST(Decoder, NameSectionProblemsDoNotRejectTheModule) {
  // Truncated function-name map, and a name that is not UTF-8.
  Bytes bad1 = section(0, cat({str("name"), {0x01, 0x05, 0x02, 0x00, 0x01}}));
  Bytes bad2 = section(0, cat({str("name"), {0x00, 0x02, 0x01, 0xFF}}));
  auto m = decodeOk(module({bad1, bad2}));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->moduleName.empty());
  EXPECT_TRUE(m->funcNames.empty());
  EXPECT_EQ(m->customs.size(), 2u);
}

TEST(Decoder, AcceptsWhatTheSpecAllows) {
  // Non-minimal LEBs within bounds for counts, sizes and indices.
  Bytes types = {0x01, 0x85, 0x80, 0x00, 0x81, 0x00, 0x60, 0x00, 0x00};  // size 5 in 3 bytes, count 1 in 2
  Bytes funcs = section(3, {0x01, 0x80, 0x80, 0x80, 0x80, 0x00});
  Bytes code = section(10, vec({body({0x00}, {0x0B})}));
  EXPECT_TRUE(decodeOk(module({types, funcs, code})));
  // Any valid UTF-8 in names, including 4-byte sequences.
  Bytes exports = section(7, vec({cat({str("\xF0\x9F\x98\x80\xC3\xA9\xE2\x82\xAC"), {0x00, 0x00}})}));
  EXPECT_TRUE(decodeOk(module({kVoidType, kOneFunc, exports, code})));
  // Custom sections anywhere, including between ordered sections.
  Bytes custom = section(0, str("x"));
  EXPECT_TRUE(decodeOk(module({custom, kVoidType, custom, kOneFunc, custom, code, custom})));
}

TEST(Decoder, SectionStructureErrors) {
  EXPECT_EQ(msg(module({{0x0D, 0x00}})), "malformed section id");
  EXPECT_EQ(msg(module({kOneFunc, kVoidType})), "unexpected content after last section");
  EXPECT_EQ(msg(module({kVoidType, kVoidType})), "unexpected content after last section");
  EXPECT_EQ(msg(module({section(12, {0x00}), section(9, {0x00})})), "unexpected content after last section");
  EXPECT_EQ(msg(module({{0x01, 0x10, 0x00}})), "length out of bounds");
  EXPECT_EQ(msg(module({{0x01, 0x03, 0x00, 0x60, 0x00}})), "section size mismatch");
  EXPECT_EQ(msg(module({{0x01}})), "unexpected end");
  Error e = decodeErr(module({kVoidType, {0x0E, 0x00}}));
  EXPECT_EQ(e.offset, 14u);  // absolute offset of the bad id
}

TEST(Decoder, CountConsistency) {
  Bytes code = section(10, vec({body({0x00}, {0x0B})}));
  EXPECT_EQ(msg(module({kVoidType, kOneFunc})), "function and code section have inconsistent lengths");
  EXPECT_EQ(msg(module({kVoidType, code})), "function and code section have inconsistent lengths");
  Bytes mem = section(5, vec({{0x00, 0x01}}));
  EXPECT_EQ(msg(module({mem, section(12, {0x02}), section(11, vec({cat({{0x01}, str("")})}))})),
            "data count and data section have inconsistent lengths");
  Bytes dataDrop = section(10, vec({body({0x00}, {0xFC, 0x09, 0x00, 0x0B})}));
  Bytes data = section(11, vec({cat({{0x01}, str("")})}));
  EXPECT_EQ(msg(module({kVoidType, kOneFunc, mem, dataDrop, data})), "data count section required");
  EXPECT_TRUE(decodeOk(module({kVoidType, kOneFunc, mem, section(12, {0x01}), dataDrop, data})));
}

TEST(Decoder, TooManyLocals) {
  Bytes big = section(10, vec({body({0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x01, 0x7E}, {0x0B})}));
  EXPECT_EQ(msg(module({kVoidType, kOneFunc, big})), "too many locals");
  Bytes overCap = section(10, vec({body(cat({{0x01}, uleb(kMaxFunctionLocals + 1), {0x7F}}), {0x0B})}));
  EXPECT_EQ(msg(module({kVoidType, kOneFunc, overCap})), "too many locals");
  Bytes atCap = section(10, vec({body(cat({{0x01}, uleb(kMaxFunctionLocals), {0x7F}}), {0x0B})}));
  EXPECT_TRUE(decodeOk(module({kVoidType, kOneFunc, atCap})));
  Bytes tooLarge = section(10, vec({body({0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7F}, {0x0B})}));
  EXPECT_EQ(msg(module({kVoidType, kOneFunc, tooLarge})), "integer too large");
}

// Types are bounded like locals: one block, call or branch may pass all of
// a type's values, so the bound caps the work of one small instruction.
TEST(Decoder, TooManyParamsOrResults) {
  auto typeWith = [](uint32_t params, uint32_t results) {
    Bytes t = cat({{0x60}, uleb(params), Bytes(params, 0x7F), uleb(results), Bytes(results, 0x7E)});
    return section(1, vec({t}));
  };
  EXPECT_TRUE(decodeOk(module({typeWith(kMaxFunctionParams, kMaxFunctionResults)})));
  Error e = decodeErr(module({typeWith(kMaxFunctionParams + 1, 0)}));
  EXPECT_EQ(e.message, "too many parameters");
  EXPECT_EQ(e.offset,
            13u);  // the count: after the header (8), section id and size (3), vector count and 0x60
  EXPECT_EQ(msg(module({typeWith(0, kMaxFunctionResults + 1)})), "too many results");
}

// A requested interrupt stops decoding before the next section.
TEST(Decoder, Interrupt) {
  std::atomic<bool> flag{true};
  LoadInterrupt stop{&flag};
  auto m = decodeModule(module({kVoidType}), DecodeOptions{.interrupt = &stop});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, kLoadInterruptedMessage);
  flag = false;
  EXPECT_TRUE(decodeModule(module({kVoidType}), DecodeOptions{.interrupt = &stop}).ok());
}

TEST(Decoder, EntryErrors) {
  EXPECT_EQ(msg(module({section(0, {0x01, 0x80})})), "malformed UTF-8 encoding");
  EXPECT_EQ(msg(module({section(0, {0x02, 0xC0, 0x80})})), "malformed UTF-8 encoding");        // overlong
  EXPECT_EQ(msg(module({section(0, {0x03, 0xED, 0xA0, 0x80})})), "malformed UTF-8 encoding");  // surrogate
  EXPECT_EQ(msg(module({section(0, {0x04, 0xF4, 0x90, 0x80, 0x80})})), "malformed UTF-8 encoding");
  EXPECT_EQ(msg(module({section(2, vec({cat({str("a"), str("b"), {0x04}})}))})), "malformed import kind");
  EXPECT_EQ(msg(module({section(7, vec({cat({str("a"), {0x04, 0x00}})}))})), "malformed export kind");
  EXPECT_EQ(msg(module({section(5, vec({{0x02, 0x00}}))})), "integer too large");
  EXPECT_EQ(msg(module({section(5, vec({{0x81, 0x00, 0x00, 0x00}}))})), "integer representation too long");
  EXPECT_EQ(msg(module({section(4, vec({{0x7F, 0x00, 0x00}}))})), "malformed reference type");
  EXPECT_EQ(msg(module({section(6, vec({{0x7F, 0x02, 0x41, 0x00, 0x0B}}))})), "malformed mutability");
  EXPECT_EQ(msg(module({section(9, vec({{0x08}}))})), "malformed elements segment kind");
  EXPECT_EQ(msg(module({section(9, vec({{0x01, 0x01, 0x00}}))})), "malformed element kind");
  EXPECT_EQ(msg(module({section(11, vec({{0x03}}))})), "malformed data segment kind");
  EXPECT_EQ(msg(module({section(1, vec({{0x61, 0x00, 0x00}}))})), "malformed function type");
  EXPECT_EQ(msg(module({section(1, vec({{0x60, 0x01, 0x60, 0x00}}))})), "malformed reference type");
}

TEST(Decoder, FunctionBodies) {
  auto code = [](Bytes instrs) { return section(10, vec({body({0x00}, instrs)})); };
  auto bodyMsg = [&](Bytes instrs) { return msg(module({kVoidType, kOneFunc, code(instrs)})); };
  EXPECT_TRUE(
      decodeOk(module({kVoidType, kOneFunc, code({0x41, 0x01, 0x04, 0x40, 0x05, 0x0B, 0x1A, 0x0B})})));
  EXPECT_EQ(bodyMsg({0x06, 0x0B}), "illegal opcode");
  EXPECT_EQ(bodyMsg({0x05, 0x0B}), "END opcode expected");                    // else at function level
  EXPECT_EQ(bodyMsg({0x02, 0x40, 0x05, 0x0B, 0x0B}), "END opcode expected");  // else in a block
  EXPECT_EQ(bodyMsg({0x04, 0x40, 0x05, 0x05, 0x0B, 0x0B}), "END opcode expected");
  EXPECT_EQ(bodyMsg({0x01}), "unexpected end of section or function");
  EXPECT_EQ(bodyMsg({0x0B, 0x01}), "section size mismatch");  // end before the declared size
  EXPECT_EQ(bodyMsg({0x3F, 0x01, 0x0B}), "zero byte expected");
  EXPECT_EQ(bodyMsg({0x28, 0x20, 0x00, 0x0B}), "malformed memop flags");
  EXPECT_EQ(bodyMsg({0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x0B}), "integer too large");
  // A body that runs into the next section is a size mismatch of the code section.
  Bytes m = module({kVoidType, kOneFunc, section(10, {0x01, 0x03, 0x00, 0x41, 0x00}), {0x0B, 0x01, 0x00}});
  EXPECT_EQ(msg(m), "section size mismatch");
  // Error offsets are absolute.
  Bytes withIllegal = module({kVoidType, kOneFunc, code({0x01, 0x06, 0x0B})});
  Error e = decodeErr(withIllegal);
  EXPECT_EQ(e.offset, withIllegal.size() - 2);
}

TEST(Decoder, ConstantExpressions) {
  // A global initializer missing its end reads on into the next section.
  EXPECT_EQ(msg(module({section(6, {0x01, 0x7F, 0x00, 0x41, 0x00}), section(10, {0x00})})), "illegal opcode");
  EXPECT_EQ(msg(module({section(9, vec({{0x05, 0x70, 0x01, 0xF3, 0x00, 0x0B}}))})), "illegal opcode");
  EXPECT_EQ(msg(module({section(9, vec({{0x05, 0x7F, 0x01, 0xD2, 0x00, 0x0B}}))})),
            "malformed reference type");
  EXPECT_EQ(msg(module({section(6, {0x01, 0x7F, 0x00, 0x41})})), "unexpected end of section or function");
}

// Every single-byte corruption of a rich module must be handled without
// crashing (run under the sanitizer build to catch memory errors).
TEST(Decoder, SingleByteMutationsAreHandled) {
  const Bytes base = richModule();
  int rejected = 0;
  for (size_t i = 0; i < base.size(); ++i) {
    for (int v : {0x00, 0x01, 0x0B, 0x40, 0x7F, 0x80, 0xFF, base[i] ^ 0x01}) {
      Bytes b = base;
      b[i] = uint8_t(v);
      auto m = decodeModule(b);
      if (!m.ok()) ++rejected;
    }
    // Truncations too (a cut at a section boundary may well be a valid module).
    (void)decodeModule(Bytes(base.begin(), base.begin() + i));
  }
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace wharf
