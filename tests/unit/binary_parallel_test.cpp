// A large code section is read in two passes (entry headers, then bodies on
// two threads). Whatever the threads see, the error must be the one a single
// pass stops at: the first bad body, or a bad entry header only after all the
// bodies before it are fine.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "binary/decoder.h"

namespace wharf {
namespace {

using Bytes = std::vector<uint8_t>;

void uleb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
}

void section(Bytes& out, uint8_t id, const Bytes& contents) {
  out.push_back(id);
  uleb(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
}

enum class Fault { IllegalOpcode, TooManyLocals, EarlyEnd, DataDrop };

struct Built {
  Bytes bytes;
  std::map<uint32_t, uint32_t> faultAt;  // function -> offset its error names
};

// `n` functions of type [] -> [] with 60-byte bodies (1.2 MB for 20000),
// some of them broken as `faults` says.
Built largeModule(uint32_t n, const std::map<uint32_t, Fault>& faults) {
  Built b;
  Bytes& out = b.bytes;
  out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  section(out, 1, {0x01, 0x60, 0x00, 0x00});
  Bytes funcs;
  uleb(funcs, n);
  funcs.insert(funcs.end(), n, 0x00);
  section(out, 3, funcs);

  Bytes code;
  uleb(code, n);
  std::vector<std::pair<uint32_t, uint32_t>> relative;  // function, offset within `code`
  for (uint32_t i = 0; i < n; ++i) {
    auto fault = faults.find(i);
    Bytes entry;
    if (fault != faults.end() && fault->second == Fault::TooManyLocals) {
      entry = {0x01};
      uleb(entry, kMaxFunctionLocals + 1);
      entry.push_back(0x7F);
    } else {
      entry = {0x00};
    }
    for (int k = 0; k < 19; ++k) entry.insert(entry.end(), {0x41, 0x00, 0x1A});  // i32.const 0; drop
    entry.resize(60, 0x01);                                                      // nops
    entry.push_back(0x0B);
    Bytes sized;
    uleb(sized, entry.size());
    uint32_t entryStart = uint32_t(code.size() + sized.size());
    if (fault != faults.end()) {
      switch (fault->second) {
        case Fault::IllegalOpcode:
          entry[30] = 0x06;
          relative.push_back({i, entryStart + 30});
          break;
        case Fault::TooManyLocals: relative.push_back({i, entryStart}); break;
        case Fault::EarlyEnd:
          entry[40] = 0x0B;  // the body ends before its entry does
          relative.push_back({i, entryStart});
          break;
        case Fault::DataDrop:
          entry[40] = 0xFC, entry[41] = 0x09, entry[42] = 0x00;  // data.drop 0
          break;
      }
    }
    code.insert(code.end(), sized.begin(), sized.end());
    code.insert(code.end(), entry.begin(), entry.end());
  }
  out.push_back(10);
  uleb(out, code.size());
  uint32_t codeStart = uint32_t(out.size());
  out.insert(out.end(), code.begin(), code.end());
  for (auto [f, offset] : relative) b.faultAt[f] = codeStart + offset;
  return b;
}

Error decodeError(const Bytes& bytes) {
  auto m = decodeModule(bytes);
  EXPECT_FALSE(m.ok());
  return m.ok() ? Error{} : m.error();
}

TEST(DecoderParallel, ValidLargeModule) {
  auto m = decodeModule(largeModule(20000, {}).bytes);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ((*m)->functions.size(), 20000u);
  EXPECT_EQ((*m)->functions[12345].body.size, 60u);
}

TEST(DecoderParallel, FirstBadBodyWins) {
  for (int run = 0; run < 3; ++run) {
    Built b = largeModule(20000, {{7000, Fault::IllegalOpcode}, {15000, Fault::IllegalOpcode}});
    Error e = decodeError(b.bytes);
    EXPECT_EQ(e.message, "illegal opcode");
    EXPECT_EQ(e.offset, b.faultAt[7000]);

    Built c = largeModule(20000, {{500, Fault::EarlyEnd}, {19000, Fault::IllegalOpcode}});
    e = decodeError(c.bytes);
    EXPECT_EQ(e.message, "section size mismatch");
    EXPECT_EQ(e.offset, c.faultAt[500]);

    Built d = largeModule(20000, {{19999, Fault::IllegalOpcode}});
    e = decodeError(d.bytes);
    EXPECT_EQ(e.message, "illegal opcode");
    EXPECT_EQ(e.offset, d.faultAt[19999]);
  }
  // Failures close together, so that both threads find one: the last body of
  // one 16-body chunk and the first of the next, which a second thread
  // reaches first. (Late in the section, so that it is surely running.)
  Built close = largeModule(100000, {{90015, Fault::IllegalOpcode},
                                     {90016, Fault::IllegalOpcode},
                                     {90017, Fault::EarlyEnd},
                                     {90040, Fault::IllegalOpcode}});
  for (int run = 0; run < 20; ++run) {
    Error e = decodeError(close.bytes);
    EXPECT_EQ(e.message, "illegal opcode");
    EXPECT_EQ(e.offset, close.faultAt[90015]);
  }
}

TEST(DecoderParallel, HeaderErrorsComeAfterEarlierBodies) {
  Built b = largeModule(20000, {{9000, Fault::TooManyLocals}, {12000, Fault::IllegalOpcode}});
  Error e = decodeError(b.bytes);
  EXPECT_EQ(e.message, "too many locals");
  EXPECT_EQ(e.offset, b.faultAt[9000]);

  Built c = largeModule(20000, {{3000, Fault::IllegalOpcode}, {9000, Fault::TooManyLocals}});
  e = decodeError(c.bytes);
  EXPECT_EQ(e.message, "illegal opcode");
  EXPECT_EQ(e.offset, c.faultAt[3000]);
}

TEST(DecoderParallel, DataIndexUseFromAnyThreadCounts) {
  Built b = largeModule(20000, {{19500, Fault::DataDrop}});
  EXPECT_EQ(decodeError(b.bytes).message, "data count section required");
}

}  // namespace
}  // namespace wharf
