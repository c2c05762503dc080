// Numeric literals of the WebAssembly text format: integers (decimal or hex,
// optional sign, `_` separators) and floats (decimal, hex, inf, nan,
// nan:0x...). Conversions are exact: floats are correctly rounded
// (round-to-nearest-even) directly to the target width, never via double.
#pragma once

#include <cstdint>
#include <string_view>

namespace wharf::text {

enum class LitStatus : uint8_t {
  Ok,
  OutOfRange,  // well-formed, but the value does not fit ("constant out of range")
  Malformed,   // not a literal of the requested shape
};

// Unsigned literal without sign (spec `uN`): decimal or 0x-hex, `_` allowed
// between digits. OutOfRange when the value exceeds `max`.
LitStatus parseUnsigned(std::string_view text, uint64_t max, uint64_t* out);

// Integer literal for iN (N = 8, 16, 32, 64): accepts the signed range for
// negative values and the unsigned range otherwise. Stores the N-bit two's
// complement bits, zero-extended.
LitStatus parseInteger(std::string_view text, unsigned bits, uint64_t* out);

// Float literals; `out` receives the IEEE-754 bit pattern. Decimal and hex
// values that round to infinity are OutOfRange, as is a nan:0x payload that
// is zero or does not fit the significand.
LitStatus parseF32(std::string_view text, uint32_t* out);
LitStatus parseF64(std::string_view text, uint64_t* out);

// Lexical shape of a token made of idchars, per the spec's token grammar.
enum class NumberShape : uint8_t {
  None,   // not a number
  Nat,    // `num` or `0x` `hexnum`
  Int,    // sign followed by a Nat
  Float,  // decimal/hex float with fraction or exponent, inf, nan, nan:0x...
};
NumberShape classifyNumber(std::string_view text);

}  // namespace wharf::text
