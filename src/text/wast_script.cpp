#include "text/wast_script.h"

#include "text/lexer.h"
#include "text/literals.h"
#include "text/token_cursor.h"
#include "text/wat_parser.h"

namespace wharf::script {

using text::LitStatus;
using text::Token;
using text::TokenKind;
using text::TokenStream;

uint32_t laneCount(LaneShape shape) {
  switch (shape) {
    case LaneShape::I8x16: return 16;
    case LaneShape::I16x8: return 8;
    case LaneShape::I32x4:
    case LaneShape::F32x4: return 4;
    case LaneShape::I64x2:
    case LaneShape::F64x2: return 2;
  }
  return 0;
}

Expected<std::vector<uint8_t>> encodeModule(const ModuleSource& m) {
  switch (m.kind) {
    case ModuleSource::Kind::Binary: return m.bytes;
    case ModuleSource::Kind::Quote: return parseWatModule(m.text);
    case ModuleSource::Kind::Text:
      if (m.error) return *m.error;
      return m.bytes;
  }
  return m.bytes;
}

namespace {

// Line numbers for increasing offsets in one forward pass.
class LineCounter {
 public:
  explicit LineCounter(std::string_view src) : src_(src) {}
  uint32_t lineAt(size_t offset) {
    if (offset < pos_) {  // not expected; restart
      pos_ = 0;
      line_ = 1;
    }
    for (; pos_ < offset && pos_ < src_.size(); ++pos_) {
      if (src_[pos_] == '\n') ++line_;
    }
    return line_;
  }

 private:
  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
};

bool isModuleField(std::string_view kw) {
  return kw == "type" || kw == "import" || kw == "func" || kw == "table" || kw == "memory" ||
         kw == "global" || kw == "export" || kw == "start" || kw == "elem" || kw == "data";
}

class ScriptParser : public text::TokenCursor {
 public:
  explicit ScriptParser(const TokenStream& ts)
      : TokenCursor(ts, 0, ts.tokens.size() - 1), lines_(ts.source) {}

  Expected<Script> run() {
    Script script;
    if (atParenKeyword("module") == false && peek().kind == TokenKind::LParen &&
        isModuleField(peek(1).text)) {
      // A bare module: all of the input is its fields.
      Command cmd;
      cmd.kind = Command::Kind::Module;
      cmd.hasModule = true;
      cmd.line = cmd.module.line = lines_.lineAt(stream().offsetOf(peek()));
      auto bytes = text::encodeModuleFields(stream(), pos(), end());
      if (bytes.ok()) {
        cmd.module.bytes = std::move(bytes).value();
      } else {
        cmd.module.error = bytes.takeError();
      }
      script.commands.push_back(std::move(cmd));
      return script;
    }
    while (!atEnd()) {
      WHARF_TRY(cmd, parseCommand());
      script.commands.push_back(std::move(cmd));
    }
    return script;
  }

 private:
  // Index of the ')' closing the '(' at the cursor.
  size_t closingParen() const {
    int depth = 0;
    for (size_t i = pos(); i < end(); ++i) {
      TokenKind k = stream().tokens[i].kind;
      if (k == TokenKind::LParen) ++depth;
      if (k == TokenKind::RParen && --depth == 0) return i;
    }
    return end();
  }

  Expected<Command> parseCommand() {
    const Token& open = peek();
    if (open.kind != TokenKind::LParen) return unexpected(open);
    const Token& kw = peek(1);
    Command cmd;
    cmd.line = lines_.lineAt(stream().offsetOf(open));
    std::string_view k = kw.text;
    if (kw.kind != TokenKind::Keyword) return unexpected(kw);
    if (k == "module") {
      cmd.kind = Command::Kind::Module;
      cmd.hasModule = true;
      WHARF_CHECK(parseModule(cmd.module));
      return cmd;
    }
    if (k == "register") {
      next();
      next();
      cmd.kind = Command::Kind::Register;
      WHARF_TRY(as, parseString());
      cmd.registerAs = std::move(as);
      if (peek().kind == TokenKind::Id) cmd.registerModule = std::string(next().text);
      WHARF_CHECK(expectRParen());
      return cmd;
    }
    if (k == "invoke" || k == "get") {
      cmd.kind = Command::Kind::Action;
      WHARF_CHECK(parseAction(cmd.action));
      return cmd;
    }
    next();
    next();
    if (k == "assert_return") {
      cmd.kind = Command::Kind::AssertReturn;
      WHARF_CHECK(parseAction(cmd.action));
      while (peek().kind == TokenKind::LParen) {
        WHARF_TRY(r, parseResult());
        cmd.expected.push_back(std::move(r));
      }
    } else if (k == "assert_trap") {
      cmd.kind = Command::Kind::AssertTrap;
      if (atParenKeyword("module")) {
        cmd.hasModule = true;
        WHARF_CHECK(parseModule(cmd.module));
      } else {
        WHARF_CHECK(parseAction(cmd.action));
      }
      WHARF_CHECK(parseMessage(cmd));
    } else if (k == "assert_exhaustion") {
      cmd.kind = Command::Kind::AssertExhaustion;
      WHARF_CHECK(parseAction(cmd.action));
      WHARF_CHECK(parseMessage(cmd));
    } else if (k == "assert_malformed" || k == "assert_invalid" || k == "assert_unlinkable" ||
               k == "assert_uninstantiable") {
      cmd.kind = k == "assert_malformed"    ? Command::Kind::AssertMalformed
                 : k == "assert_invalid"    ? Command::Kind::AssertInvalid
                 : k == "assert_unlinkable" ? Command::Kind::AssertUnlinkable
                                            : Command::Kind::AssertUninstantiable;
      cmd.hasModule = true;
      if (!atParenKeyword("module")) return unexpected(peek().kind == TokenKind::LParen ? peek(1) : peek());
      WHARF_CHECK(parseModule(cmd.module));
      WHARF_CHECK(parseMessage(cmd));
    } else {
      return unexpected(kw);
    }
    WHARF_CHECK(expectRParen());
    return cmd;
  }

  Expected<void> parseMessage(Command& cmd) {
    WHARF_TRY(msg, parseString());
    cmd.message = std::move(msg);
    return {};
  }

  // At "(module".
  Expected<void> parseModule(ModuleSource& m) {
    const size_t close = closingParen();
    m.line = lines_.lineAt(stream().offsetOf(peek()));
    m.sourceBegin = stream().offsetOf(peek());
    if (close < end()) m.sourceEnd = stream().offsetOf(stream().tokens[close]) + 1;
    next();
    next();
    if (peek().kind == TokenKind::Id) m.name = std::string(next().text);
    if (isKeyword(peek(), "binary") || isKeyword(peek(), "quote")) {
      const bool binary = peek().text == "binary";
      next();
      std::string content;
      while (peek().kind == TokenKind::String) content += text::decodeString(next().text);
      WHARF_CHECK(expectRParen());
      if (binary) {
        m.kind = ModuleSource::Kind::Binary;
        m.bytes.assign(content.begin(), content.end());
      } else {
        m.kind = ModuleSource::Kind::Quote;
        m.text = std::move(content);
      }
      return {};
    }
    m.kind = ModuleSource::Kind::Text;
    if (close >= end()) return unexpected(peek(close - pos()));
    auto bytes = text::encodeModuleFields(stream(), pos(), close);
    if (bytes.ok()) {
      m.bytes = std::move(bytes).value();
    } else {
      m.error = bytes.takeError();
    }
    setPos(close + 1);
    return {};
  }

  Expected<void> parseAction(Action& a) {
    WHARF_CHECK(expectLParen());
    if (isKeyword(peek(), "invoke")) {
      a.kind = Action::Kind::Invoke;
    } else if (isKeyword(peek(), "get")) {
      a.kind = Action::Kind::Get;
    } else {
      return unexpected(peek());
    }
    next();
    if (peek().kind == TokenKind::Id) a.module = std::string(next().text);
    WHARF_TRY(field, parseString());
    a.field = std::move(field);
    if (a.kind == Action::Kind::Invoke) {
      while (peek().kind == TokenKind::LParen) {
        WHARF_TRY(v, parseConst());
        a.args.push_back(v);
      }
    }
    return expectRParen();
  }

  // ---------------------------------------------------------------------
  // Constants.

  Expected<uint64_t> intLiteral(unsigned bits) {
    const Token& t = peek();
    if (t.kind != TokenKind::Nat && t.kind != TokenKind::Int) return unexpected(t);
    uint64_t v;
    if (text::parseInteger(t.text, bits, &v) != LitStatus::Ok) return errorAt(t, "constant out of range");
    next();
    return v;
  }

  Expected<uint64_t> floatLiteral(bool f64) {
    const Token& t = peek();
    if (t.kind != TokenKind::Nat && t.kind != TokenKind::Int && t.kind != TokenKind::Float)
      return unexpected(t);
    uint64_t v;
    LitStatus st;
    if (f64) {
      st = text::parseF64(t.text, &v);
    } else {
      uint32_t b;
      st = text::parseF32(t.text, &b);
      v = b;
    }
    if (st != LitStatus::Ok) return errorAt(t, "constant out of range");
    next();
    return v;
  }

  // A NaN pattern keyword, if one is at the cursor.
  NanPattern nanPattern() {
    if (isKeyword(peek(), "nan:canonical")) {
      next();
      return NanPattern::Canonical;
    }
    if (isKeyword(peek(), "nan:arithmetic")) {
      next();
      return NanPattern::Arithmetic;
    }
    return NanPattern::None;
  }

  Expected<LaneShape> parseShape() {
    const Token& t = peek();
    static constexpr std::pair<std::string_view, LaneShape> kShapes[] = {
        {"i8x16", LaneShape::I8x16}, {"i16x8", LaneShape::I16x8}, {"i32x4", LaneShape::I32x4},
        {"i64x2", LaneShape::I64x2}, {"f32x4", LaneShape::F32x4}, {"f64x2", LaneShape::F64x2}};
    for (auto [name, shape] : kShapes) {
      if (isKeyword(t, name)) {
        next();
        return shape;
      }
    }
    return unexpected(t);
  }

  // v128 lanes after the shape; NaN patterns allowed in float lanes when `nans`.
  Expected<void> parseLanes(Value& v, std::vector<NanPattern>* nans) {
    const uint32_t n = laneCount(v.shape);
    const uint32_t width = 16 / n;
    const bool isFloat = v.shape == LaneShape::F32x4 || v.shape == LaneShape::F64x2;
    for (uint32_t i = 0; i < n; ++i) {
      uint64_t bits = 0;
      NanPattern nan = NanPattern::None;
      if (isFloat && nans) nan = nanPattern();
      if (nan == NanPattern::None) {
        if (peek().kind == TokenKind::RParen) return errorAt(peek(), "wrong number of lane literals");
        WHARF_TRY(b, isFloat ? floatLiteral(width == 8) : intLiteral(width * 8));
        bits = b;
      }
      if (nans) nans->push_back(nan);
      for (uint32_t k = 0; k < width; ++k) v.v128.bytes[i * width + k] = uint8_t(bits >> (8 * k));
    }
    if (!atRParen()) return errorAt(peek(), "wrong number of lane literals");
    return {};
  }

  Expected<bool> parseRefHeap() {  // true = func, false = extern
    if (isKeyword(peek(), "func")) {
      next();
      return true;
    }
    if (isKeyword(peek(), "extern")) {
      next();
      return false;
    }
    return unexpected(peek());
  }

  // An argument constant: `(t.const ...)`, `(ref.null ...)`, `(ref.extern N)`.
  Expected<Value> parseConst() {
    WHARF_CHECK(expectLParen());
    const Token& op = next();
    Value v;
    if (isKeyword(op, "i32.const")) {
      v.type = ValueType::I32;
      WHARF_TRY(b, intLiteral(32));
      v.bits = b;
    } else if (isKeyword(op, "i64.const")) {
      v.type = ValueType::I64;
      WHARF_TRY(b, intLiteral(64));
      v.bits = b;
    } else if (isKeyword(op, "f32.const")) {
      v.type = ValueType::F32;
      WHARF_TRY(b, floatLiteral(false));
      v.bits = b;
    } else if (isKeyword(op, "f64.const")) {
      v.type = ValueType::F64;
      WHARF_TRY(b, floatLiteral(true));
      v.bits = b;
    } else if (isKeyword(op, "v128.const")) {
      v.type = ValueType::V128;
      WHARF_TRY(shape, parseShape());
      v.shape = shape;
      WHARF_CHECK(parseLanes(v, nullptr));
    } else if (isKeyword(op, "ref.null")) {
      WHARF_TRY(isFunc, parseRefHeap());
      v.type = isFunc ? ValueType::FuncRef : ValueType::ExternRef;
      v.isNull = true;
    } else if (isKeyword(op, "ref.extern")) {
      v.type = ValueType::ExternRef;
      WHARF_TRY(b, intLiteral(64));
      v.bits = b;
    } else {
      return unexpected(op);
    }
    WHARF_CHECK(expectRParen());
    return v;
  }

  Expected<ResultPattern> parseResult() {
    ResultPattern r;
    if (atParenKeyword("either")) {
      next();
      next();
      r.kind = ResultPattern::Kind::Either;
      while (peek().kind == TokenKind::LParen) {
        WHARF_TRY(alt, parseResult());
        r.alternatives.push_back(std::move(alt));
      }
      WHARF_CHECK(expectRParen());
      return r;
    }
    const bool isF32 = atParenKeyword("f32.const");
    if (isF32 || atParenKeyword("f64.const")) {
      if (TokenCursor::isKeyword(peek(2), "nan:canonical") ||
          TokenCursor::isKeyword(peek(2), "nan:arithmetic")) {
        next();
        next();
        r.kind = ResultPattern::Kind::Nan;
        r.type = isF32 ? ValueType::F32 : ValueType::F64;
        r.nan = nanPattern();
        WHARF_CHECK(expectRParen());
        return r;
      }
    }
    if (atParenKeyword("v128.const")) {
      next();
      next();
      r.type = ValueType::V128;
      r.value.type = ValueType::V128;
      WHARF_TRY(shape, parseShape());
      r.value.shape = shape;
      std::vector<NanPattern> nans;
      WHARF_CHECK(parseLanes(r.value, &nans));
      WHARF_CHECK(expectRParen());
      bool anyNan = false;
      for (NanPattern p : nans) anyNan = anyNan || p != NanPattern::None;
      if (anyNan) {
        r.kind = ResultPattern::Kind::V128Lanes;
        r.laneNans = std::move(nans);
      }
      return r;
    }
    if (atParenKeyword("ref.func") || (atParenKeyword("ref.extern") && peek(2).kind == TokenKind::RParen)) {
      const bool func = peek(1).text == "ref.func";
      next();
      next();
      r.kind = func ? ResultPattern::Kind::AnyFuncRef : ResultPattern::Kind::AnyExternRef;
      r.type = func ? ValueType::FuncRef : ValueType::ExternRef;
      if (func && peek().kind == TokenKind::Nat) next();  // a function index cannot be checked
      WHARF_CHECK(expectRParen());
      return r;
    }
    WHARF_TRY(v, parseConst());
    r.type = v.type;
    r.value = v;
    return r;
  }

  LineCounter lines_;
};

}  // namespace

Expected<Script> parseWastScript(std::string_view source) {
  TokenStream ts = text::tokenize(source);
  ScriptParser parser(ts);
  return parser.run();
}

}  // namespace wharf::script
