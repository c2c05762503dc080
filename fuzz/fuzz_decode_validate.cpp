// Fuzz target: arbitrary bytes through the binary decoder and, when they
// decode, the validator. Neither may crash, and every rejection must be an
// Error with a message (the spec runner compares those texts).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "binary/decoder.h"
#include "fuzz_check.h"
#include "validate/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = wharf::decodeModule(std::vector<uint8_t>(data, data + size));
  if (!decoded.ok()) {
    const wharf::Error& e = decoded.error();
    FUZZ_CHECK(!e.message.empty(), "decode error without a message");
    FUZZ_CHECK(!e.hasOffset() || e.offset <= size, "decode error offset %llu beyond %zu bytes: %s",
               (unsigned long long)e.offset, size, e.message.c_str());
    return 0;
  }
  auto valid = wharf::validateModule(**decoded);
  if (!valid.ok()) {
    const wharf::Error& e = valid.error();
    FUZZ_CHECK(!e.message.empty(), "validation error without a message");
    FUZZ_CHECK(!e.hasOffset() || e.offset <= size, "validation error offset %llu beyond %zu bytes: %s",
               (unsigned long long)e.offset, size, e.message.c_str());
    return 0;
  }
  FUZZ_CHECK(valid->functions.size() == (*decoded)->functions.size(), "ValidatedInfo per function");
  return 0;
}
