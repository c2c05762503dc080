// decodeAndValidate leaves function bodies to the validator; its result must
// be exactly decodeModule's followed by validateModule's, a malformed body's
// error coming before any validation error and after nothing it follows in
// the file.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "binary/decoder.h"
#include "validate/validator.h"

using namespace wharf;

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
Bytes section(uint8_t id, const Bytes& contents) { return cat({{id}, uleb(contents.size()), contents}); }
// A code entry without locals around `code` (which includes the final end).
Bytes entry(const Bytes& code) { return cat({uleb(code.size() + 1), {0x00}, code}); }

// Types [] -> [] and [] -> [i32]; a memory; one function per body, of type 0.
Bytes module(const std::vector<Bytes>& bodies, const Bytes& tail = {}, bool dataCount = false) {
  Bytes funcs = uleb(bodies.size());
  funcs.insert(funcs.end(), bodies.size(), 0x00);
  Bytes code = uleb(bodies.size());
  for (const Bytes& b : bodies) code = cat({code, entry(b)});
  return cat({{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00},
              section(1, {0x02, 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, 0x7F}),
              section(3, funcs),
              section(5, {0x01, 0x00, 0x01}),
              dataCount ? section(12, {0x01}) : Bytes{},
              section(10, code),
              tail});
}

std::string twoSteps(const Bytes& bytes) {
  auto m = decodeModule(bytes);
  if (!m.ok()) return "malformed: " + m.error().describe();
  auto v = validateModule(**m);
  if (!v.ok()) return "invalid: " + v.error().describe();
  return "valid, max stack " + std::to_string(v->functions.empty() ? 0 : v->functions.back().maxStackValues);
}

std::string together(const Bytes& bytes) {
  auto m = decodeModule(bytes);  // only to tell malformed from invalid, as twoSteps does
  auto r = decodeAndValidate(bytes);
  if (!r.ok()) return (m.ok() ? "invalid: " : "malformed: ") + r.error().describe();
  EXPECT_EQ(r->module->functions.size(), r->info.functions.size());
  return "valid, max stack " +
         std::to_string(r->info.functions.empty() ? 0 : r->info.functions.back().maxStackValues);
}

}  // namespace

TEST(DecodeAndValidate, SameAsTheTwoSteps) {
  const Bytes nop(24, 0x01);  // long enough for the validator's fast loop
  const Bytes invalid = {0x42, 0x00, 0x1A, 0x41, 0x00, 0x42, 0x00, 0x6A, 0x1A, 0x0B};  // i32.add of an i64
  const Bytes illegal = {0x01, 0x06, 0x0B};
  const Bytes elseAlone = {0x05, 0x0B};
  const Bytes earlyEnd = {0x0B, 0x01, 0x0B};
  const Bytes noEnd = {0x01, 0x01};
  const Bytes dataDrop = {0xFC, 0x09, 0x00, 0x0B};
  const Bytes memoryInit = {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B};
  const Bytes badData = section(11, {0x01, 0x03});  // malformed data segment kind
  const Bytes okData = section(11, {0x01, 0x01, 0x00});
  const Bytes badCustomAfter = {0x00, 0x05, 0x01, 0x80, 0x00, 0x00, 0x00};  // malformed UTF-8 name
  const std::vector<std::pair<const char*, Bytes>> cases = {
      {"valid", module({{0x0B}, cat({nop, {0x41, 0x01, 0x41, 0x02, 0x6A, 0x1A, 0x0B}})})},
      {"invalid", module({{0x0B}, invalid})},
      {"invalid then malformed", module({invalid, illegal})},
      {"malformed then invalid", module({illegal, invalid})},
      {"invalid then else alone", module({invalid, elseAlone})},
      {"invalid then early end", module({invalid, earlyEnd})},
      {"invalid then early end (long)", module({invalid, cat({{0x0B}, nop, {0x0B}})})},
      {"invalid then no end", module({invalid, noEnd})},
      {"invalid then data.drop", module({invalid, dataDrop})},
      {"data.drop without data count", module({dataDrop})},
      {"data.drop with data count", module({dataDrop}, okData, true)},
      {"memory.init without data count", module({memoryInit}, okData)},
      {"invalid then bad data section", module({invalid}, badData)},
      {"malformed then bad data section", module({illegal}, badData)},
      {"invalid then bad custom section", module({invalid}, badCustomAfter)},
      {"malformed then bad custom section", module({illegal}, badCustomAfter)},
      {"data count mismatch", module({{0x0B}}, {}, true)},
      {"data count mismatch and malformed", module({illegal}, {}, true)},
      {"long invalid then long malformed", module({cat({nop, invalid}), cat({nop, illegal})})},
  };
  for (const auto& [name, bytes] : cases) EXPECT_EQ(together(bytes), twoSteps(bytes)) << name;
}
