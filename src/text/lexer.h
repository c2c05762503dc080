// Tokenizer for the WebAssembly text format (.wat) and script format (.wast).
//
// The whole input is tokenized up front into a flat vector (linear time, no
// backtracking). Token values are decoded lazily by the parser. Malformed
// input never aborts tokenization: it yields Reserved or Error tokens that the
// parser reports when (and only if) it reaches them, so one bad module inside
// a script does not spoil the rest of it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace wharf::text {

enum class TokenKind : uint8_t {
  LParen,
  RParen,
  Keyword,   // starts with a-z: `module`, `i32.add`, `offset=8`, `nan:canonical`, ...
  Id,        // `$name`
  Nat,       // unsigned integer literal: `42`, `0x2A`, `1_000`
  Int,       // signed integer literal: `+42`, `-0x2A`
  Float,     // any other numeric literal: `1.5`, `1e3`, `-0x1p-4`, `inf`, `-nan:0x1`
  String,    // `"..."` with valid escapes; the text includes the quotes
  Reserved,  // idchars (or strings) that form no valid token, e.g. `0x`, `1x`, `"a"b`
  Error,     // a lexical error (bad escape, unterminated string, ...); see TokenStream::errors
  Eof,
};

struct Token {
  TokenKind kind;
  std::string_view text;  // the token's source characters (a view into the input)
};

struct TokenStream {
  std::string_view source;
  std::vector<Token> tokens;  // always ends with one Eof token
  // Messages for Error tokens, in token order, as (token index, message).
  std::vector<std::pair<uint32_t, std::string>> errors;

  size_t offsetOf(const Token& t) const { return size_t(t.text.data() - source.data()); }
  const std::string& errorFor(size_t tokenIndex) const;
};

// Tokenizes `source`. Comments and annotations `(@name ...)` are skipped.
TokenStream tokenize(std::string_view source);

// 1-based line and column (in bytes) of a byte offset.
struct LineColumn {
  uint32_t line = 1;
  uint32_t column = 1;
};
LineColumn lineColumnOf(std::string_view source, size_t offset);

// An Error for a position in `source`: the message (spec wording first) is
// followed by " at line:column", and Error::offset is the byte offset.
Error makeTextError(std::string_view source, size_t offset, std::string_view message);

// Decodes a String token (escapes resolved) into raw bytes. The token must
// have kind String (escapes were validated by the tokenizer).
std::string decodeString(std::string_view tokenText);

// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF).
bool isValidUtf8(std::string_view bytes);

}  // namespace wharf::text
