// Fuzz target: the input as WebAssembly text, read both as one module
// (parseWatModule) and as a .wast script (parseWastScript). A plain text
// module that parses must encode to a binary the decoder accepts: the text
// parser leaves typing to the validator, but structure it must get right.
// `(module binary ...)` returns its bytes as written, so those are exempt.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "binary/decoder.h"
#include "fuzz_check.h"
#include "text/wast_script.h"
#include "text/wat_parser.h"
#include "validate/validator.h"

namespace {

// Decodes and validates `bytes`; returns the decode error message, if any.
const char* decodeAndValidate(const std::vector<uint8_t>& bytes, std::string* decodeError) {
  auto decoded = wharf::decodeModule(bytes);
  if (!decoded.ok()) {
    FUZZ_CHECK(!decoded.error().message.empty(), "decode error without a message");
    if (decodeError) *decodeError = decoded.error().message;
    return "decode";
  }
  auto valid = wharf::validateModule(**decoded);
  if (!valid.ok()) FUZZ_CHECK(!valid.error().message.empty(), "validation error without a message");
  return nullptr;
}

// Decoder rejections that well-formed text can legitimately cause:
// - "too many locals": an implementation limit the text grammar lacks;
// - "malformed memop flags" / "zero byte expected": the text parser accepts
//   multi-memory (3.0) memory indices and encodes them as 3.0 does, which
//   the 2.0 decoder rejects (such a module names a second memory, so it is
//   not a valid 2.0 module either way).
bool isExpectedDecodeFailure(const std::string& message) {
  return message == "too many locals" || message == "malformed memop flags" ||
         message == "zero byte expected";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto wat = wharf::parseWatModule(text);
  if (wat.ok()) {
    std::string error;
    if (decodeAndValidate(*wat, &error) && text.find("binary") == std::string_view::npos) {
      FUZZ_CHECK(isExpectedDecodeFailure(error), "text module encodes to a malformed binary: %s",
                 error.c_str());
    }
  } else {
    FUZZ_CHECK(!wat.error().message.empty(), "text error without a message");
    FUZZ_CHECK(!wat.error().hasOffset() || wat.error().offset <= size, "text error offset beyond the input");
  }

  auto script = wharf::script::parseWastScript(text);
  if (!script.ok()) {
    FUZZ_CHECK(!script.error().message.empty(), "script error without a message");
    return 0;
  }
  for (const wharf::script::Command& c : script->commands) {
    if (!c.hasModule) continue;
    const wharf::script::ModuleSource& m = c.module;
    FUZZ_CHECK(m.sourceBegin <= m.sourceEnd && m.sourceEnd <= size, "module source range");
    if (m.kind == wharf::script::ModuleSource::Kind::Text && m.error) {
      FUZZ_CHECK(!m.error->message.empty(), "module text error without a message");
      continue;
    }
    auto bytes = wharf::script::encodeModule(m);
    if (!bytes.ok()) {
      FUZZ_CHECK(!bytes.error().message.empty(), "module error without a message");
      continue;
    }
    (void)decodeAndValidate(*bytes, nullptr);
  }
  return 0;
}
