// Internal: a cursor over a token range, with the error conventions shared by
// the module parser and the script parser.
#pragma once

#include <string>
#include <string_view>

#include "common/expected.h"
#include "text/lexer.h"

namespace wharf::text {

// Whether `kw` is a keyword of the text or script format (instruction names
// included). Unknown keywords are reported as "unknown operator".
bool isKnownKeyword(std::string_view kw);

class TokenCursor {
 public:
  // Tokens [begin, end) of `ts`; reading past `end` yields an Eof token.
  TokenCursor(const TokenStream& ts, size_t begin, size_t end) : ts_(ts), pos_(begin), end_(end) {
    endTok_ = {TokenKind::Eof, ts.tokens[end].text.substr(0, 0)};
  }

  const Token& peek(size_t k = 0) const {
    size_t i = pos_ + k;
    return i < end_ ? ts_.tokens[i] : endTok_;
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < end_) ++pos_;
    return t;
  }
  size_t pos() const { return pos_; }
  void setPos(size_t p) { pos_ = p; }
  size_t end() const { return end_; }
  bool atEnd() const { return pos_ >= end_; }
  const TokenStream& stream() const { return ts_; }

  static bool isKeyword(const Token& t, std::string_view kw) {
    return t.kind == TokenKind::Keyword && t.text == kw;
  }
  // peek(k) is '(' and peek(k+1) is keyword `kw`.
  bool atParenKeyword(std::string_view kw, size_t k = 0) const {
    return peek(k).kind == TokenKind::LParen && isKeyword(peek(k + 1), kw);
  }
  bool atRParen() const { return peek().kind == TokenKind::RParen; }

  Error errorAt(const Token& t, std::string_view message) const {
    return makeTextError(ts_.source, ts_.offsetOf(t), message);
  }

  // The error for a token the grammar does not allow here: lexical errors and
  // unknown keywords take precedence, as they would in a lexer-driven parser.
  Error unexpected(const Token& t) const {
    switch (t.kind) {
      case TokenKind::Error: return errorAt(t, ts_.errorFor(size_t(&t - ts_.tokens.data())));
      case TokenKind::Reserved: return errorAt(t, "unknown operator " + std::string(t.text));
      case TokenKind::Keyword:
        if (!isKnownKeyword(t.text)) return errorAt(t, "unknown operator " + std::string(t.text));
        return errorAt(t, "unexpected token " + std::string(t.text));
      case TokenKind::Eof: return errorAt(t, "unexpected end of input");
      default: return errorAt(t, "unexpected token " + std::string(t.text));
    }
  }

  Expected<void> expect(TokenKind kind) {
    if (peek().kind != kind) return unexpected(peek());
    next();
    return {};
  }
  Expected<void> expectLParen() { return expect(TokenKind::LParen); }
  Expected<void> expectRParen() { return expect(TokenKind::RParen); }
  Expected<void> expectKeyword(std::string_view kw) {
    if (!isKeyword(peek(), kw)) return unexpected(peek());
    next();
    return {};
  }

  Expected<std::string> parseString() {
    if (peek().kind != TokenKind::String) return unexpected(peek());
    return decodeString(next().text);
  }
  // A string that must be valid UTF-8 (import/export names).
  Expected<std::string> parseName() {
    const Token& t = peek();
    WHARF_TRY(s, parseString());
    if (!isValidUtf8(s)) return errorAt(t, "malformed UTF-8 encoding");
    return s;
  }

  // At '(' : moves past the matching ')'. Returns false at end of range.
  bool skipBalanced() {
    int depth = 0;
    while (pos_ < end_) {
      TokenKind k = ts_.tokens[pos_++].kind;
      if (k == TokenKind::LParen) ++depth;
      if (k == TokenKind::RParen && --depth == 0) return true;
    }
    return false;
  }

 protected:
  const TokenStream& ts_;
  size_t pos_;
  size_t end_;
  Token endTok_;
};

}  // namespace wharf::text
