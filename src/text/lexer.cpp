#include "text/lexer.h"

#include <algorithm>

#include "text/literals.h"

namespace wharf::text {
namespace {

constexpr bool isIdChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '/':
    case ':':
    case '<':
    case '=':
    case '>':
    case '?':
    case '@':
    case '\\':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
  }
}

constexpr bool isSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hexDigit(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the UTF-8 sequence starting at s[i], or 0 if malformed.
size_t utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) { out_.source = src; }

  TokenStream run() {
    out_.tokens.reserve(src_.size() / 4 + 16);
    for (;;) {
      if (!skipTrivia()) break;
      if (pos_ >= src_.size()) break;
      char c = src_[pos_];
      if (c == '(') {
        push(TokenKind::LParen, pos_, 1);
        ++pos_;
      } else if (c == ')') {
        push(TokenKind::RParen, pos_, 1);
        ++pos_;
      } else {
        lexAtom();
      }
    }
    out_.tokens.push_back({TokenKind::Eof, src_.substr(src_.size(), 0)});
    return std::move(out_);
  }

 private:
  void push(TokenKind k, size_t start, size_t len) { out_.tokens.push_back({k, src_.substr(start, len)}); }
  void pushError(size_t start, size_t len, std::string msg) {
    out_.errors.emplace_back(uint32_t(out_.tokens.size()), std::move(msg));
    push(TokenKind::Error, start, len);
  }

  bool atLineComment() const { return pos_ + 1 < src_.size() && src_[pos_] == ';' && src_[pos_ + 1] == ';'; }

  // Skips whitespace, comments and annotations. Returns false after pushing an
  // Error token for an unterminated block comment or annotation (which ends input).
  bool skipTrivia() {
    while (pos_ < src_.size()) {
      unsigned char c = src_[pos_];
      if (isSpace(c)) {
        ++pos_;
      } else if (atLineComment()) {
        size_t nl = src_.find_first_of("\n\r", pos_);
        pos_ = nl == std::string_view::npos ? src_.size() : nl + 1;
      } else if (c == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        size_t start = pos_;
        if (!skipBlockComment()) {
          pushError(start, 2, "unclosed comment");
          pos_ = src_.size();
          return false;
        }
      } else if (c == '(' && pos_ + 2 < src_.size() && src_[pos_ + 1] == '@' && isIdChar(src_[pos_ + 2])) {
        size_t start = pos_;
        if (!skipAnnotation()) {
          pushError(start, 2, "unclosed annotation");
          pos_ = src_.size();
          return false;
        }
      } else {
        return true;
      }
    }
    return true;
  }

  // At "(;": skips a (possibly nested) block comment.
  bool skipBlockComment() {
    int depth = 0;
    while (pos_ < src_.size()) {
      if (src_[pos_] == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        ++depth;
        pos_ += 2;
      } else if (src_[pos_] == ';' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ')') {
        pos_ += 2;
        if (--depth == 0) return true;
      } else {
        ++pos_;
      }
    }
    return false;
  }

  // At "(@": skips the annotation up to its balancing ")".
  bool skipAnnotation() {
    int depth = 0;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '"') {
        std::string err;
        scanString(&err);
      } else if (atLineComment()) {
        size_t nl = src_.find_first_of("\n\r", pos_);
        pos_ = nl == std::string_view::npos ? src_.size() : nl + 1;
      } else if (c == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        if (!skipBlockComment()) return false;
      } else if (c == '(') {
        ++depth;
        ++pos_;
      } else if (c == ')') {
        ++pos_;
        if (--depth == 0) return true;
      } else {
        ++pos_;
      }
    }
    return false;
  }

  // At '"': scans a string literal, leaving pos_ after the closing quote (or at
  // the offending character). Sets *err on the first problem.
  void scanString(std::string* err) {
    ++pos_;
    while (pos_ < src_.size()) {
      unsigned char c = src_[pos_];
      if (c == '"') {
        ++pos_;
        return;
      }
      if (c == '\n' || c == '\r') break;  // strings cannot span lines
      if (c < 0x20 || c == 0x7F) {
        if (err->empty()) *err = "illegal control character in string";
        ++pos_;
        continue;
      }
      if (c == '\\') {
        if (pos_ + 1 >= src_.size()) break;
        unsigned char e = src_[pos_ + 1];
        if (e == 't' || e == 'n' || e == 'r' || e == '"' || e == '\'' || e == '\\') {
          pos_ += 2;
        } else if (e == 'u') {
          size_t p = pos_ + 2;
          bool ok = p < src_.size() && src_[p] == '{';
          uint32_t cp = 0;
          size_t digits = 0;
          if (ok) {
            ++p;
            while (p < src_.size() && (hexDigit(src_[p]) >= 0 || (src_[p] == '_' && digits > 0))) {
              if (src_[p] != '_') {
                cp = cp > 0x10FFFF ? cp : cp * 16 + uint32_t(hexDigit(src_[p]));
                ++digits;
              }
              ++p;
            }
            ok = digits > 0 && p < src_.size() && src_[p] == '}' && src_[p - 1] != '_';
            if (ok) ++p;
          }
          if (!ok || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
            if (err->empty()) *err = "illegal escape";
          }
          pos_ = ok ? p : pos_ + 2;
        } else if (hexDigit(e) >= 0 && pos_ + 2 < src_.size() && hexDigit(src_[pos_ + 2]) >= 0) {
          pos_ += 3;
        } else {
          if (err->empty()) *err = "illegal escape";
          pos_ += 2;
        }
        continue;
      }
      if (c >= 0x80) {
        size_t n = utf8SequenceLength(src_, pos_);
        if (n == 0) {
          if (err->empty()) *err = "malformed UTF-8 encoding";
          ++pos_;
        } else {
          pos_ += n;
        }
        continue;
      }
      ++pos_;
    }
    if (err->empty()) *err = "unclosed string";
  }

  bool atDelimiter() const {
    if (pos_ >= src_.size()) return true;
    char c = src_[pos_];
    return isSpace(c) || c == '(' || c == ')' || atLineComment();
  }

  // An atom runs up to the next delimiter. A single idchar run or a single
  // string is a proper token; anything else (strings glued to other
  // characters, stray characters) is one Reserved token.
  void lexAtom() {
    size_t start = pos_;
    int parts = 0;
    bool sawString = false;
    bool sawOther = false;
    std::string err;
    while (!atDelimiter()) {
      unsigned char c = src_[pos_];
      ++parts;
      if (c == '"') {
        sawString = true;
        scanString(&err);
        if (err == "unclosed string") break;
      } else if (isIdChar(c)) {
        while (pos_ < src_.size() && isIdChar(src_[pos_])) ++pos_;
      } else {
        sawOther = true;
        ++pos_;
      }
    }
    size_t len = pos_ - start;
    if (!err.empty()) {
      pushError(start, len, err);
      return;
    }
    if (parts == 1 && sawString) {
      push(TokenKind::String, start, len);
      return;
    }
    if (parts != 1 || sawOther) {
      push(TokenKind::Reserved, start, len);
      return;
    }
    std::string_view s = src_.substr(start, len);
    TokenKind kind = TokenKind::Reserved;
    if (s[0] == '$') {
      kind = s.size() > 1 ? TokenKind::Id : TokenKind::Reserved;
    } else {
      switch (classifyNumber(s)) {
        case NumberShape::Nat: kind = TokenKind::Nat; break;
        case NumberShape::Int: kind = TokenKind::Int; break;
        case NumberShape::Float: kind = TokenKind::Float; break;
        case NumberShape::None:
          kind = (s[0] >= 'a' && s[0] <= 'z') ? TokenKind::Keyword : TokenKind::Reserved;
      }
    }
    push(kind, start, len);
  }

  std::string_view src_;
  size_t pos_ = 0;
  TokenStream out_;
};

}  // namespace

const std::string& TokenStream::errorFor(size_t tokenIndex) const {
  static const std::string kUnknown = "syntax error";
  auto it = std::lower_bound(errors.begin(), errors.end(), tokenIndex,
                             [](const auto& e, size_t index) { return e.first < index; });
  return it != errors.end() && it->first == tokenIndex ? it->second : kUnknown;
}

TokenStream tokenize(std::string_view source) { return Lexer(source).run(); }

LineColumn lineColumnOf(std::string_view source, size_t offset) {
  LineColumn lc;
  size_t lineStart = 0;
  offset = std::min(offset, source.size());
  for (size_t i = 0; i < offset; ++i) {
    if (source[i] == '\n') {
      ++lc.line;
      lineStart = i + 1;
    }
  }
  lc.column = uint32_t(offset - lineStart + 1);
  return lc;
}

Error makeTextError(std::string_view source, size_t offset, std::string_view message) {
  LineColumn lc = lineColumnOf(source, offset);
  std::string msg(message);
  msg += " at " + std::to_string(lc.line) + ":" + std::to_string(lc.column);
  return makeError(std::move(msg), offset);
}

std::string decodeString(std::string_view t) {
  std::string out;
  if (t.size() < 2) return out;
  t = t.substr(1, t.size() - 2);
  out.reserve(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    char e = t[++i];
    switch (e) {
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case '"': out.push_back('"'); break;
      case '\'': out.push_back('\''); break;
      case '\\': out.push_back('\\'); break;
      case 'u': {
        i += 2;  // skip "u{"
        uint32_t cp = 0;
        for (; t[i] != '}'; ++i) {
          if (t[i] != '_') cp = cp * 16 + uint32_t(hexDigit(t[i]));
        }
        if (cp < 0x80) {
          out.push_back(char(cp));
        } else if (cp < 0x800) {
          out.push_back(char(0xC0 | (cp >> 6)));
          out.push_back(char(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
          out.push_back(char(0xE0 | (cp >> 12)));
          out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(char(0x80 | (cp & 0x3F)));
        } else {
          out.push_back(char(0xF0 | (cp >> 18)));
          out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
          out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(char(0x80 | (cp & 0x3F)));
        }
        break;
      }
      default: out.push_back(char(hexDigit(e) * 16 + hexDigit(t[i + 1]))); ++i;
    }
  }
  return out;
}

bool isValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace wharf::text
