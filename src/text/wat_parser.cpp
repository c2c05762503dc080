#include "text/wat_parser.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>
#include <unordered_map>

#include "common/opcodes.h"
#include "common/types.h"
#include "text/literals.h"
#include "text/token_cursor.h"

namespace wharf::text {

namespace {

// Keywords of the text and script formats other than instruction names.
constexpr std::string_view kKeywords[] = {
    "align",
    "assert_exhaustion",
    "assert_invalid",
    "assert_malformed",
    "assert_return",
    "assert_trap",
    "assert_unlinkable",
    "assert_uninstantiable",
    "binary",
    "data",
    "declare",
    "either",
    "elem",
    "else",
    "end",
    "export",
    "extern",
    "externref",
    "f32",
    "f32x4",
    "f64",
    "f64x2",
    "func",
    "funcref",
    "get",
    "global",
    "i16x8",
    "i32",
    "i32x4",
    "i64",
    "i64x2",
    "i8x16",
    "import",
    "input",
    "invoke",
    "item",
    "local",
    "memory",
    "module",
    "mut",
    "nan:arithmetic",
    "nan:canonical",
    "null",
    "offset",
    "output",
    "param",
    "quote",
    "ref",
    "ref.extern",
    "register",
    "result",
    "script",
    "start",
    "table",
    "then",
    "type",
    "v128",
};

bool isNatText(std::string_view s) { return classifyNumber(s) == NumberShape::Nat; }

}  // namespace

bool isKnownKeyword(std::string_view kw) {
  if (lookupOpcodeByName(kw)) return true;
  if (kw.starts_with("offset=")) return isNatText(kw.substr(7));
  if (kw.starts_with("align=")) return isNatText(kw.substr(6));
  return std::find(std::begin(kKeywords), std::end(kKeywords), kw) != std::end(kKeywords);
}

namespace {

using Bytes = std::vector<uint8_t>;

void writeU32(Bytes& b, uint64_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    if (v) byte |= 0x80;
    b.push_back(byte);
  } while (v);
}

void writeS64(Bytes& b, int64_t v) {
  for (;;) {
    uint8_t byte = v & 0x7F;
    v >>= 7;  // arithmetic shift
    bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    if (!done) byte |= 0x80;
    b.push_back(byte);
    if (done) return;
  }
}

void writeName(Bytes& b, std::string_view s) {
  writeU32(b, s.size());
  b.insert(b.end(), s.begin(), s.end());
}

void writeFixed(Bytes& b, uint64_t bits, int bytes) {
  for (int i = 0; i < bytes; ++i) b.push_back(uint8_t(bits >> (8 * i)));
}

uint8_t valTypeCode(ValType t) {
  switch (t.kind()) {
    case ValType::I32: return 0x7F;
    case ValType::I64: return 0x7E;
    case ValType::F32: return 0x7D;
    case ValType::F64: return 0x7C;
    case ValType::V128: return 0x7B;
    default: return t.heapType() == HeapType::Extern ? 0x6F : 0x70;
  }
}

void emitOp(Bytes& b, Opcode op) {
  const OpInfo& info = opInfo(op);
  if (info.prefix) {
    b.push_back(info.prefix);
    writeU32(b, info.code);
  } else {
    b.push_back(uint8_t(info.code));
  }
}

enum Space : uint8_t {
  kTypeSpace,
  kFuncSpace,
  kTableSpace,
  kMemorySpace,
  kGlobalSpace,
  kElemSpace,
  kDataSpace,
  kNumSpaces
};
constexpr const char* kSpaceName[kNumSpaces] = {"type",   "function",     "table",       "memory",
                                                "global", "elem segment", "data segment"};
constexpr const char* kSpaceDupName[kNumSpaces] = {"type",   "func", "table", "memory",
                                                   "global", "elem", "data"};

bool isIndexToken(const Token& t) { return t.kind == TokenKind::Nat || t.kind == TokenKind::Id; }

struct TypeUse {
  bool hasIndex = false;
  uint32_t index = 0;
  const Token* indexToken = nullptr;
  FuncType sig;                            // inline (param ...) (result ...)
  std::vector<std::string_view> paramIds;  // parallel to sig.params; empty view = unnamed
};

enum class SegMode : uint8_t { Active, Passive, Declarative };

struct ElemSeg {
  SegMode mode = SegMode::Passive;
  uint32_t table = 0;
  Bytes offset;  // constant expression including `end`
  ValType type = ValType::funcref();
  uint32_t count = 0;
  // Items as function indices, valid while every item is a lone `ref.func x`
  // (and always for the `func x*` form); the binary writer prefers this form.
  bool allFuncIndices = true;
  std::vector<uint32_t> funcs;
  Bytes exprs;  // concatenated item expressions, each ending in `end`
};

class ModuleParser : public TokenCursor {
 public:
  ModuleParser(const TokenStream& ts, size_t begin, size_t end, bool withNames)
      : TokenCursor(ts, begin, end), withNames_(withNames) {}

  Expected<Bytes> run() {
    // Pass 1 errors are reported only when pass 2 reaches the failing field,
    // so that errors come out in text order.
    const size_t start = pos();
    auto collected = collectDefinitions();
    setPos(start);
    while (!atEnd()) {
      if (!collected.ok() && pos() >= failedFieldStart_) return collected.takeError();
      WHARF_CHECK(encodeField());
    }
    if (!collected.ok()) return collected.takeError();
    return assemble();
  }

 private:
  // ---------------------------------------------------------------------
  // Pass 1: types and the ids of every index space, so fields may refer to
  // definitions that come later in the text.

  Expected<void> defineId(Space space, const Token* id) {
    uint32_t index = spaces_[space].count++;
    if (id) {
      auto [it, inserted] = spaces_[space].ids.emplace(id->text, index);
      if (!inserted)
        return errorAt(*id, std::string("duplicate ") + kSpaceDupName[space] + " " + std::string(id->text));
    }
    return {};
  }

  const Token* optionalId() {
    if (peek().kind != TokenKind::Id) return nullptr;
    return &next();
  }

  Expected<void> skipField(size_t fieldStart) {
    setPos(fieldStart);
    if (!skipBalanced()) return unexpected(peek());
    return {};
  }

  Expected<void> collectDefinitions() {
    const char* firstDefinition = nullptr;  // kind of the first non-imported func/table/memory/global
    while (!atEnd()) {
      const size_t fieldStart = pos();
      failedFieldStart_ = fieldStart;
      if (peek().kind != TokenKind::LParen) return unexpected(peek());
      const Token& kw = peek(1);
      if (kw.kind != TokenKind::Keyword) return unexpected(kw);
      std::string_view k = kw.text;
      if (k == "type") {
        next();
        next();
        WHARF_CHECK(parseTypeDefinition());
        continue;
      }
      if (k == "import") {
        next();
        next();
        WHARF_CHECK(parseName());
        WHARF_CHECK(parseName());
        WHARF_CHECK(expectLParen());
        const Token& kindTok = next();
        Space space;
        if (isKeyword(kindTok, "func")) {
          space = kFuncSpace;
        } else if (isKeyword(kindTok, "table")) {
          space = kTableSpace;
        } else if (isKeyword(kindTok, "memory")) {
          space = kMemorySpace;
        } else if (isKeyword(kindTok, "global")) {
          space = kGlobalSpace;
        } else {
          return unexpected(kindTok);
        }
        if (firstDefinition) return errorAt(kw, std::string("import after ") + firstDefinition);
        WHARF_CHECK(defineId(space, optionalId()));
        WHARF_CHECK(skipField(fieldStart));
        continue;
      }
      if (k == "func" || k == "table" || k == "memory" || k == "global") {
        next();
        next();
        Space space = k == "func"     ? kFuncSpace
                      : k == "table"  ? kTableSpace
                      : k == "memory" ? kMemorySpace
                                      : kGlobalSpace;
        const Token* id = optionalId();
        while (atParenKeyword("export")) {
          if (!skipBalanced()) return unexpected(peek());
        }
        if (atParenKeyword("import")) {
          if (firstDefinition) return errorAt(peek(1), std::string("import after ") + firstDefinition);
        } else {
          if (!firstDefinition) firstDefinition = k == "func" ? "function" : kSpaceName[space];
          if (space == kTableSpace && (isKeyword(peek(), "funcref") || isKeyword(peek(), "externref"))) {
            WHARF_CHECK(defineId(kElemSpace, nullptr));  // inline (elem ...)
          }
          if (space == kMemorySpace && atParenKeyword("data")) WHARF_CHECK(defineId(kDataSpace, nullptr));
        }
        WHARF_CHECK(defineId(space, id));
        WHARF_CHECK(skipField(fieldStart));
        continue;
      }
      if (k == "elem" || k == "data") {
        next();
        next();
        WHARF_CHECK(defineId(k == "elem" ? kElemSpace : kDataSpace, optionalId()));
        WHARF_CHECK(skipField(fieldStart));
        continue;
      }
      if (k == "export" || k == "start") {
        WHARF_CHECK(skipField(fieldStart));
        continue;
      }
      return unexpected(kw);
    }
    return {};
  }

  // After "(type": `$id? (func (param ...)* (result ...)*))`.
  Expected<void> parseTypeDefinition() {
    const Token* id = optionalId();
    WHARF_CHECK(expectLParen());
    WHARF_CHECK(expectKeyword("func"));
    FuncType ft;
    WHARF_CHECK(parseParamsResults(ft, nullptr, /*allowParamIds=*/true));
    WHARF_CHECK(expectRParen());
    WHARF_CHECK(expectRParen());
    WHARF_CHECK(defineId(kTypeSpace, id));
    addType(std::move(ft));
    return {};
  }

  static std::string signatureKey(const FuncType& ft) {
    std::string key;
    key.reserve(ft.params.size() + ft.results.size() + 1);
    for (ValType t : ft.params) key.push_back(char(valTypeCode(t)));
    key.push_back('\xFF');
    for (ValType t : ft.results) key.push_back(char(valTypeCode(t)));
    return key;
  }

  uint32_t addType(FuncType ft) {
    uint32_t index = uint32_t(types_.size());
    typeBySignature_.emplace(signatureKey(ft), index);  // keeps the first index per signature
    types_.push_back(std::move(ft));
    return index;
  }

  // The smallest type index with this signature, appending a new type if none
  // matches (the spec's rule for abbreviated type uses).
  uint32_t findOrAddType(const FuncType& ft) {
    auto it = typeBySignature_.find(signatureKey(ft));
    if (it != typeBySignature_.end()) return it->second;
    return addType(ft);
  }

  // ---------------------------------------------------------------------
  // Types.

  Expected<ValType> parseValType() {
    const Token& t = peek();
    if (t.kind == TokenKind::Keyword) {
      std::string_view s = t.text;
      ValType v;
      bool ok = true;
      if (s == "i32") {
        v = ValType::i32();
      } else if (s == "i64") {
        v = ValType::i64();
      } else if (s == "f32") {
        v = ValType::f32();
      } else if (s == "f64") {
        v = ValType::f64();
      } else if (s == "v128") {
        v = ValType::v128();
      } else if (s == "funcref") {
        v = ValType::funcref();
      } else if (s == "externref") {
        v = ValType::externref();
      } else {
        ok = false;
      }
      if (ok) {
        next();
        return v;
      }
    }
    return unexpected(t);
  }

  Expected<ValType> parseRefType() {
    const Token& t = peek();
    if (isKeyword(t, "funcref") || isKeyword(t, "externref")) return parseValType();
    return unexpected(t);
  }

  // (param ...)* (result ...)*. Parameter ids are recorded in `paramIds` when given.
  Expected<void> parseParamsResults(FuncType& ft, std::vector<std::string_view>* paramIds,
                                    bool allowParamIds) {
    while (atParenKeyword("param")) {
      next();
      next();
      if (peek().kind == TokenKind::Id) {
        if (!allowParamIds) return unexpected(peek());
        std::string_view name = next().text;
        WHARF_TRY(t, parseValType());
        ft.params.push_back(t);
        if (paramIds) {
          paramIds->resize(ft.params.size() - 1);
          paramIds->push_back(name);
        }
      } else {
        while (!atRParen()) {
          WHARF_TRY(t, parseValType());
          ft.params.push_back(t);
        }
      }
      WHARF_CHECK(expectRParen());
    }
    while (atParenKeyword("result")) {
      next();
      next();
      while (!atRParen()) {
        WHARF_TRY(t, parseValType());
        ft.results.push_back(t);
      }
      WHARF_CHECK(expectRParen());
    }
    if (paramIds) paramIds->resize(ft.params.size());
    return {};
  }

  Expected<void> parseTypeUse(TypeUse& tu, bool allowParamIds) {
    if (atParenKeyword("type")) {
      next();
      next();
      tu.indexToken = &peek();
      WHARF_TRY(index, parseIndex(kTypeSpace));
      tu.hasIndex = true;
      tu.index = index;
      WHARF_CHECK(expectRParen());
    }
    WHARF_CHECK(parseParamsResults(tu.sig, &tu.paramIds, allowParamIds));
    // Clauses out of order are a syntax error, reported before any type check.
    if (atParenKeyword("type") || atParenKeyword("param") || atParenKeyword("result"))
      return unexpected(peek(1));
    return {};
  }

  bool hasInlineSignature(const TypeUse& tu) const {
    return !tu.sig.params.empty() || !tu.sig.results.empty();
  }

  // Checks an explicit type index against an inline signature.
  Expected<void> checkTypeUse(const TypeUse& tu) {
    if (!tu.hasIndex || !hasInlineSignature(tu)) return {};
    if (tu.index >= types_.size()) return errorAt(*tu.indexToken, "unknown type");
    if (types_[tu.index] != tu.sig) return errorAt(*tu.indexToken, "inline function type");
    return {};
  }

  Expected<uint32_t> resolveTypeUse(const TypeUse& tu) {
    if (tu.hasIndex) {
      WHARF_CHECK(checkTypeUse(tu));
      return tu.index;
    }
    return findOrAddType(tu.sig);
  }

  Expected<void> parseLimits(Bytes& out) {
    WHARF_TRY(min, parseU32(peek()));
    next();
    if (peek().kind == TokenKind::Nat) {
      WHARF_TRY(max, parseU32(peek()));
      next();
      out.push_back(0x01);
      writeU32(out, min);
      writeU32(out, max);
    } else {
      out.push_back(0x00);
      writeU32(out, min);
    }
    return {};
  }

  Expected<void> parseTableType(Bytes& out) {
    Bytes limits;
    WHARF_CHECK(parseLimits(limits));
    WHARF_TRY(t, parseRefType());
    out.push_back(valTypeCode(t));
    out.insert(out.end(), limits.begin(), limits.end());
    return {};
  }

  Expected<void> parseGlobalType(Bytes& out) {
    if (atParenKeyword("mut")) {
      next();
      next();
      WHARF_TRY(t, parseValType());
      WHARF_CHECK(expectRParen());
      out.push_back(valTypeCode(t));
      out.push_back(0x01);
      return {};
    }
    WHARF_TRY(t, parseValType());
    out.push_back(valTypeCode(t));
    out.push_back(0x00);
    return {};
  }

  // ---------------------------------------------------------------------
  // Literals and indices.

  Expected<uint32_t> parseU32(const Token& t) {
    if (t.kind != TokenKind::Nat) return unexpected(t);
    uint64_t v;
    if (parseUnsigned(t.text, UINT32_MAX, &v) != LitStatus::Ok)
      return errorAt(t, "i32 constant out of range");
    return uint32_t(v);
  }

  Expected<uint32_t> parseIndex(Space space) {
    const Token& t = peek();
    if (t.kind == TokenKind::Nat) {
      WHARF_TRY(v, parseU32(t));
      next();
      return v;
    }
    if (t.kind == TokenKind::Id) {
      auto it = spaces_[space].ids.find(t.text);
      if (it == spaces_[space].ids.end()) {
        return errorAt(t, std::string("unknown ") + kSpaceName[space] + " " + std::string(t.text));
      }
      next();
      return it->second;
    }
    return unexpected(t);
  }

  Expected<uint32_t> parseLocalIndex() {
    const Token& t = peek();
    if (t.kind == TokenKind::Id) {
      auto it = locals_.find(t.text);
      if (it == locals_.end()) return errorAt(t, "unknown local " + std::string(t.text));
      next();
      return it->second;
    }
    if (t.kind == TokenKind::Nat) {
      WHARF_TRY(v, parseU32(t));
      next();
      return v;
    }
    return unexpected(t);
  }

  Expected<uint32_t> parseLabelIndex() {
    const Token& t = peek();
    if (t.kind == TokenKind::Id) {
      for (size_t i = labels_.size(); i-- > 0;) {
        if (labels_[i] == t.text) {
          next();
          return uint32_t(labels_.size() - 1 - i);
        }
      }
      return errorAt(t, "unknown label " + std::string(t.text));
    }
    if (t.kind == TokenKind::Nat) {
      WHARF_TRY(v, parseU32(t));
      next();
      return v;
    }
    return unexpected(t);
  }

  // A numeric literal token for an instruction immediate.
  Expected<uint64_t> parseIntLiteral(const Token& t, unsigned bits) {
    if (t.kind != TokenKind::Nat && t.kind != TokenKind::Int) return unexpected(t);
    uint64_t v;
    if (parseInteger(t.text, bits, &v) != LitStatus::Ok) return errorAt(t, "constant out of range");
    return v;
  }

  Expected<uint64_t> parseFloatLiteral(const Token& t, bool f64) {
    if (t.kind != TokenKind::Nat && t.kind != TokenKind::Int && t.kind != TokenKind::Float)
      return unexpected(t);
    uint64_t v;
    LitStatus st;
    if (f64) {
      st = parseF64(t.text, &v);
    } else {
      uint32_t b;
      st = parseF32(t.text, &b);
      v = b;
    }
    if (st != LitStatus::Ok) return errorAt(t, "constant out of range");
    return v;
  }

  // ---------------------------------------------------------------------
  // Instructions.

  Expected<Opcode> parseOpcode() {
    const Token& t = peek();
    if (t.kind == TokenKind::Keyword) {
      if (auto op = lookupOpcodeByName(t.text)) {
        next();
        return *op;
      }
    }
    return unexpected(t);
  }

  std::string_view parseLabelDef() {
    if (peek().kind == TokenKind::Id) return next().text;
    return {};
  }

  // After `end` or `else`: an optional label that must repeat the block's.
  Expected<void> checkEndLabel(std::string_view label) {
    if (peek().kind != TokenKind::Id) return {};
    const Token& t = next();
    if (t.text != label) return errorAt(t, "mismatching label");
    return {};
  }

  Expected<void> parseBlockType(Bytes& out) {
    TypeUse tu;
    WHARF_CHECK(parseTypeUse(tu, /*allowParamIds=*/false));
    const FuncType* sig = &tu.sig;
    if (tu.hasIndex) {
      WHARF_CHECK(checkTypeUse(tu));
      sig = tu.index < types_.size() ? &types_[tu.index] : nullptr;
    }
    // Like wabt, a signature without params and at most one result uses the
    // short encoding even when written as a type use.
    if (sig && sig->params.empty() && sig->results.size() <= 1) {
      out.push_back(sig->results.empty() ? 0x40 : valTypeCode(sig->results[0]));
      return {};
    }
    uint32_t index = tu.hasIndex ? tu.index : findOrAddType(tu.sig);
    writeS64(out, int64_t(index));
    return {};
  }

  // Instruction sequences are parsed by an explicit state machine rather than
  // by recursion, so arbitrarily deep nesting (flat or folded) cannot
  // exhaust the native stack. Each open construct is a Frame.
  struct Frame {
    enum Kind : uint8_t {
      FlatBlock,     // `block`/`loop` ... `end`
      FlatIf,        // `if` ... (`else` ...)? `end`
      FoldedBlock,   // `(block ...)` / `(loop ...)`: instructions up to `)`
      FoldedPlain,   // `(op imm* ...)`: folded operands up to `)`; the op is in pending_
      FoldedIfCond,  // `(if bt ...)`: condition operands up to `(then`; the if header is in pending_
      FoldedIfThen,  // inside `(then ...)`
      FoldedIfElse,  // inside `(else ...)`
      FoldedIfDone,  // after `(then ...)` / `(else ...)`: expects the `)` of the if
    };
    Kind kind;
    bool sawElse = false;
    std::string_view label;
    size_t pendingBegin = 0;  // this frame's bytes are pending_[pendingBegin, ...)
    size_t elseMark = 0;      // output size right after an `else` opcode
  };

  void pushLabel(std::string_view label) { labels_.push_back(label); }

  // Closes a block construct: drops an empty else branch (as wabt and the
  // reference interpreter do), emits `end` and pops the label.
  void closeBlock(Bytes& out, const Frame& f) {
    if (f.sawElse && out.size() == f.elseMark) out.pop_back();
    out.push_back(0x0B);
    labels_.pop_back();
  }

  void beginElse(Bytes& out, Frame& f) {
    out.push_back(0x05);
    f.sawElse = true;
    f.elseMark = out.size();
  }

  // After '(' : the opcode and its immediates, opening a frame when operands
  // or a body follow.
  Expected<void> startFolded(Bytes& out) {
    WHARF_CHECK(expectLParen());
    const Token& opTok = peek();
    WHARF_TRY(op, parseOpcode());
    switch (op) {
      case Opcode::Block:
      case Opcode::Loop: {
        std::string_view label = parseLabelDef();
        emitOp(out, op);
        WHARF_CHECK(parseBlockType(out));
        frames_.push_back({Frame::FoldedBlock});
        pushLabel(label);
        return {};
      }
      case Opcode::If: {
        Frame f{Frame::FoldedIfCond};
        f.label = parseLabelDef();
        f.pendingBegin = pending_.size();
        emitOp(pending_, op);
        WHARF_CHECK(parseBlockType(pending_));
        frames_.push_back(f);
        return {};
      }
      case Opcode::Else:
      case Opcode::End: return unexpected(opTok);
      default: {
        const size_t mark = out.size();
        WHARF_CHECK(parseImmediates(out, op));
        if (atRParen()) {
          next();
          return {};
        }
        // Operands come first in the binary: set the instruction aside.
        Frame f{Frame::FoldedPlain};
        f.pendingBegin = pending_.size();
        pending_.insert(pending_.end(), out.begin() + mark, out.end());
        out.resize(mark);
        frames_.push_back(f);
        return {};
      }
    }
  }

  // A plain (flat) instruction at the cursor.
  Expected<void> startPlain(Bytes& out) {
    const Token& opTok = peek();
    WHARF_TRY(op, parseOpcode());
    switch (op) {
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If: {
        Frame f{op == Opcode::If ? Frame::FlatIf : Frame::FlatBlock};
        f.label = parseLabelDef();
        emitOp(out, op);
        WHARF_CHECK(parseBlockType(out));
        frames_.push_back(f);
        pushLabel(f.label);
        return {};
      }
      case Opcode::Else:
      case Opcode::End: return unexpected(opTok);
      default: return parseImmediates(out, op);
    }
  }

  // Parses instructions into `out`. With `single`, exactly one folded
  // instruction; otherwise a sequence ending before `)`, end of input, or an
  // `end`/`else` that belongs to the caller.
  Expected<void> parseInstrSeq(Bytes& out, bool single) {
    const size_t base = frames_.size();
    if (single) {
      WHARF_CHECK(startFolded(out));
      if (frames_.size() == base) return {};
    }
    for (;;) {
      const Token& t = peek();
      if (frames_.size() == base) {
        if (single) return {};
        if (t.kind == TokenKind::LParen) {
          WHARF_CHECK(startFolded(out));
        } else if (t.kind == TokenKind::Keyword) {
          if (t.text == "end" || t.text == "else") return {};
          WHARF_CHECK(startPlain(out));
        } else if (t.kind == TokenKind::RParen || t.kind == TokenKind::Eof) {
          return {};
        } else {
          return unexpected(t);
        }
        continue;
      }
      Frame& f = frames_.back();
      switch (f.kind) {
        case Frame::FoldedPlain:
          if (t.kind == TokenKind::LParen) {
            WHARF_CHECK(startFolded(out));
          } else {
            WHARF_CHECK(expectRParen());
            out.insert(out.end(), pending_.begin() + f.pendingBegin, pending_.end());
            pending_.resize(f.pendingBegin);
            frames_.pop_back();
          }
          continue;
        case Frame::FoldedIfCond:
          if (atParenKeyword("then")) {
            next();
            next();
            // The condition is outside the if; its label scope starts here.
            out.insert(out.end(), pending_.begin() + f.pendingBegin, pending_.end());
            pending_.resize(f.pendingBegin);
            pushLabel(f.label);
            f.kind = Frame::FoldedIfThen;
          } else if (t.kind == TokenKind::LParen) {
            WHARF_CHECK(startFolded(out));
          } else {
            return unexpected(t);
          }
          continue;
        case Frame::FoldedIfDone: {
          WHARF_CHECK(expectRParen());
          Frame done = f;
          frames_.pop_back();
          closeBlock(out, done);
          continue;
        }
        default: break;
      }
      // An instruction sequence inside a block construct.
      if (t.kind == TokenKind::LParen) {
        WHARF_CHECK(startFolded(out));
        continue;
      }
      const bool flat = f.kind == Frame::FlatBlock || f.kind == Frame::FlatIf;
      if (t.kind == TokenKind::Keyword && t.text == "end" && flat) {
        next();
        WHARF_CHECK(checkEndLabel(f.label));
        Frame done = f;
        frames_.pop_back();
        closeBlock(out, done);
        continue;
      }
      if (t.kind == TokenKind::Keyword && t.text == "else" && f.kind == Frame::FlatIf && !f.sawElse) {
        next();
        WHARF_CHECK(checkEndLabel(f.label));
        beginElse(out, f);
        continue;
      }
      if (t.kind == TokenKind::Keyword && t.text != "end" && t.text != "else") {
        WHARF_CHECK(startPlain(out));
        continue;
      }
      if (t.kind == TokenKind::RParen && !flat) {
        next();
        if (f.kind == Frame::FoldedBlock) {
          Frame done = f;
          frames_.pop_back();
          closeBlock(out, done);
        } else if (f.kind == Frame::FoldedIfThen && atParenKeyword("else")) {
          next();
          next();
          beginElse(out, f);
          f.kind = Frame::FoldedIfElse;
        } else {
          f.kind = Frame::FoldedIfDone;
        }
        continue;
      }
      return unexpected(t);
    }
  }

  Expected<void> parseInstrs(Bytes& out) { return parseInstrSeq(out, /*single=*/false); }
  Expected<void> parseFolded(Bytes& out) { return parseInstrSeq(out, /*single=*/true); }

  Expected<uint32_t> parseOptionalIndex(Space space) {
    if (!isIndexToken(peek())) return 0u;
    return parseIndex(space);
  }

  Expected<void> parseMemArg(Bytes& out, Opcode op, uint32_t memory) {
    uint64_t offset = 0;
    const Token* t = &peek();
    if (t->kind == TokenKind::Keyword && t->text.starts_with("offset=")) {
      std::string_view v = t->text.substr(7);
      if (!isNatText(v)) return unexpected(*t);
      if (parseUnsigned(v, UINT32_MAX, &offset) != LitStatus::Ok)
        return errorAt(*t, "i32 constant out of range");
      next();
      t = &peek();
    }
    uint32_t alignLog2 = uint32_t(naturalAlignmentLog2(op));
    if (t->kind == TokenKind::Keyword && t->text.starts_with("align=")) {
      std::string_view v = t->text.substr(6);
      if (!isNatText(v)) return unexpected(*t);
      uint64_t align;
      if (parseUnsigned(v, UINT32_MAX, &align) != LitStatus::Ok)
        return errorAt(*t, "i32 constant out of range");
      if (align == 0 || (align & (align - 1)) != 0) return errorAt(*t, "alignment must be a power of two");
      alignLog2 = uint32_t(std::countr_zero(align));
      next();
    }
    // Multi-memory: bit 6 of the flags announces an explicit memory index.
    writeU32(out, alignLog2 | (memory != 0 ? 0x40 : 0));
    if (memory != 0) writeU32(out, memory);
    writeU32(out, offset);
    return {};
  }

  Expected<void> parseLane(Bytes& out) {
    const Token& t = peek();
    if (t.kind != TokenKind::Nat) return unexpected(t);
    uint64_t v;
    if (parseUnsigned(t.text, 255, &v) != LitStatus::Ok) return errorAt(t, "malformed lane index");
    next();
    out.push_back(uint8_t(v));
    return {};
  }

  static bool isNumberToken(const Token& t) {
    return t.kind == TokenKind::Nat || t.kind == TokenKind::Int || t.kind == TokenKind::Float;
  }

  Expected<void> parseV128Const(Bytes& out) {
    const Token& shapeTok = peek();
    unsigned lanes = 0;
    unsigned laneBits = 0;
    bool isFloat = false;
    std::string_view s = shapeTok.text;
    if (shapeTok.kind == TokenKind::Keyword) {
      if (s == "i8x16") lanes = 16, laneBits = 8;
      if (s == "i16x8") lanes = 8, laneBits = 16;
      if (s == "i32x4") lanes = 4, laneBits = 32;
      if (s == "i64x2") lanes = 2, laneBits = 64;
      if (s == "f32x4") lanes = 4, laneBits = 32, isFloat = true;
      if (s == "f64x2") lanes = 2, laneBits = 64, isFloat = true;
    }
    if (lanes == 0) return unexpected(shapeTok);
    next();
    size_t n = 0;
    while (isNumberToken(peek(n))) ++n;
    if (n != lanes) {
      const Token& stop = peek(n);
      if (n < lanes && (stop.kind == TokenKind::Reserved || stop.kind == TokenKind::Error ||
                        (stop.kind == TokenKind::Keyword && !isKnownKeyword(stop.text)))) {
        return unexpected(stop);
      }
      return errorAt(shapeTok, "wrong number of lane literals");
    }
    for (unsigned i = 0; i < lanes; ++i) {
      const Token& t = peek();
      uint64_t v;
      if (isFloat) {
        WHARF_TRY(f, parseFloatLiteral(t, laneBits == 64));
        v = f;
      } else {
        WHARF_TRY(iv, parseIntLiteral(t, laneBits));
        v = iv;
      }
      next();
      writeFixed(out, v, int(laneBits / 8));
    }
    return {};
  }

  Expected<void> parseShuffle(Bytes& out) {
    size_t n = 0;
    while (isNumberToken(peek(n))) ++n;
    if (n != 16) return errorAt(peek(n < 16 ? n : 16), "invalid lane length");
    for (int i = 0; i < 16; ++i) {
      const Token& t = next();
      uint64_t v;
      if (t.kind != TokenKind::Nat || parseUnsigned(t.text, 255, &v) != LitStatus::Ok) {
        return errorAt(t, "malformed lane index");
      }
      out.push_back(uint8_t(v));
    }
    return {};
  }

  Expected<void> parseImmediates(Bytes& out, Opcode op) {
    const OpInfo& info = opInfo(op);
    if (op == Opcode::Select && atParenKeyword("result")) {
      std::vector<ValType> types;
      while (atParenKeyword("result")) {
        next();
        next();
        while (!atRParen()) {
          WHARF_TRY(t, parseValType());
          types.push_back(t);
        }
        WHARF_CHECK(expectRParen());
      }
      emitOp(out, Opcode::SelectT);
      writeU32(out, types.size());
      for (ValType t : types) out.push_back(valTypeCode(t));
      return {};
    }
    emitOp(out, op);
    switch (info.imm) {
      case ImmKind::None: return {};
      case ImmKind::Label: {
        WHARF_TRY(l, parseLabelIndex());
        writeU32(out, l);
        return {};
      }
      case ImmKind::BrTable: {
        std::vector<uint32_t> targets;
        while (isIndexToken(peek())) {
          WHARF_TRY(l, parseLabelIndex());
          targets.push_back(l);
        }
        if (targets.empty()) return unexpected(peek());
        writeU32(out, targets.size() - 1);
        for (uint32_t l : targets) writeU32(out, l);
        return {};
      }
      case ImmKind::Func: {
        WHARF_TRY(f, parseIndex(kFuncSpace));
        writeU32(out, f);
        return {};
      }
      case ImmKind::CallIndirect: {
        WHARF_TRY(table, parseOptionalIndex(kTableSpace));
        TypeUse tu;
        WHARF_CHECK(parseTypeUse(tu, /*allowParamIds=*/false));
        WHARF_TRY(type, resolveTypeUse(tu));
        writeU32(out, type);
        writeU32(out, table);
        return {};
      }
      case ImmKind::Local: {
        WHARF_TRY(l, parseLocalIndex());
        writeU32(out, l);
        return {};
      }
      case ImmKind::Global: {
        WHARF_TRY(g, parseIndex(kGlobalSpace));
        writeU32(out, g);
        return {};
      }
      case ImmKind::Table: {
        WHARF_TRY(t, parseOptionalIndex(kTableSpace));
        writeU32(out, t);
        return {};
      }
      case ImmKind::MemArg: {
        WHARF_TRY(mem, parseOptionalIndex(kMemorySpace));
        return parseMemArg(out, op, mem);
      }
      case ImmKind::MemArgLane: {
        // `v128.load8_lane 0 1` names a memory, `v128.load8_lane 1` only a lane.
        uint32_t mem = 0;
        const Token& n1 = peek(1);
        if (peek().kind == TokenKind::Id ||
            (peek().kind == TokenKind::Nat &&
             (n1.kind == TokenKind::Nat ||
              (n1.kind == TokenKind::Keyword &&
               (n1.text.starts_with("offset=") || n1.text.starts_with("align=")))))) {
          WHARF_TRY(m, parseIndex(kMemorySpace));
          mem = m;
        }
        WHARF_CHECK(parseMemArg(out, op, mem));
        return parseLane(out);
      }
      case ImmKind::Memory: {
        WHARF_TRY(m, parseOptionalIndex(kMemorySpace));
        writeU32(out, m);
        return {};
      }
      case ImmKind::I32: {
        WHARF_TRY(v, parseIntLiteral(peek(), 32));
        next();
        writeS64(out, int64_t(int32_t(uint32_t(v))));
        return {};
      }
      case ImmKind::I64: {
        WHARF_TRY(v, parseIntLiteral(peek(), 64));
        next();
        writeS64(out, int64_t(v));
        return {};
      }
      case ImmKind::F32: {
        WHARF_TRY(v, parseFloatLiteral(peek(), false));
        next();
        writeFixed(out, v, 4);
        return {};
      }
      case ImmKind::F64: {
        WHARF_TRY(v, parseFloatLiteral(peek(), true));
        next();
        writeFixed(out, v, 8);
        return {};
      }
      case ImmKind::V128: return parseV128Const(out);
      case ImmKind::Lane: return parseLane(out);
      case ImmKind::Shuffle: return parseShuffle(out);
      case ImmKind::HeapType: {
        const Token& t = peek();
        if (isKeyword(t, "func")) {
          out.push_back(0x70);
        } else if (isKeyword(t, "extern")) {
          out.push_back(0x6F);
        } else {
          return unexpected(t);
        }
        next();
        return {};
      }
      case ImmKind::SelectT: return unexpected(peek());  // only reachable through `select (result ...)`
      case ImmKind::MemoryInit: {
        uint32_t mem = 0;
        if (isIndexToken(peek()) && isIndexToken(peek(1))) {
          WHARF_TRY(m, parseIndex(kMemorySpace));
          mem = m;
        }
        WHARF_TRY(d, parseIndex(kDataSpace));
        writeU32(out, d);
        writeU32(out, mem);
        usesDataCount_ = true;
        return {};
      }
      case ImmKind::Data: {
        WHARF_TRY(d, parseIndex(kDataSpace));
        writeU32(out, d);
        usesDataCount_ = true;
        return {};
      }
      case ImmKind::MemoryCopy:
      case ImmKind::TableCopy: {
        Space space = info.imm == ImmKind::MemoryCopy ? kMemorySpace : kTableSpace;
        uint32_t dst = 0;
        uint32_t src = 0;
        if (isIndexToken(peek())) {
          WHARF_TRY(d, parseIndex(space));
          WHARF_TRY(s, parseIndex(space));
          dst = d;
          src = s;
        }
        writeU32(out, dst);
        writeU32(out, src);
        return {};
      }
      case ImmKind::TableInit: {
        uint32_t table = 0;
        if (isIndexToken(peek()) && isIndexToken(peek(1))) {
          WHARF_TRY(t, parseIndex(kTableSpace));
          table = t;
        }
        WHARF_TRY(e, parseIndex(kElemSpace));
        writeU32(out, e);
        writeU32(out, table);
        return {};
      }
      case ImmKind::Elem: {
        WHARF_TRY(e, parseIndex(kElemSpace));
        writeU32(out, e);
        return {};
      }
      case ImmKind::BlockType: break;  // handled by the block parsers
    }
    return unexpected(peek());
  }

  // Instructions up to `)`, plus the final `end`.
  Expected<void> parseExpr(Bytes& out) {
    WHARF_CHECK(parseInstrs(out));
    if (!atRParen()) return unexpected(peek());
    out.push_back(0x0B);
    return {};
  }

  // `(offset instr*)` or a single folded instruction, as a constant expression.
  Expected<void> parseOffset(Bytes& out) {
    if (atParenKeyword("offset")) {
      next();
      next();
      WHARF_CHECK(parseExpr(out));
      return expectRParen();
    }
    WHARF_CHECK(parseFolded(out));
    out.push_back(0x0B);
    return {};
  }

  // ---------------------------------------------------------------------
  // Pass 2: module fields.

  void addExport(std::string_view name, uint8_t kind, uint32_t index) {
    writeName(exportSec_, name);
    exportSec_.push_back(kind);
    writeU32(exportSec_, index);
    ++exportCount_;
  }

  // (export "name")* after a definition's id.
  Expected<void> parseInlineExports(uint8_t kind, uint32_t index) {
    while (atParenKeyword("export")) {
      next();
      next();
      WHARF_TRY(name, parseName());
      WHARF_CHECK(expectRParen());
      addExport(name, kind, index);
    }
    return {};
  }

  // (import "module" "name") of an inline import; writes the entry head.
  Expected<bool> parseInlineImport(uint8_t kind) {
    if (!atParenKeyword("import")) return false;
    next();
    next();
    WHARF_TRY(module, parseName());
    WHARF_TRY(name, parseName());
    WHARF_CHECK(expectRParen());
    writeName(importSec_, module);
    writeName(importSec_, name);
    importSec_.push_back(kind);
    ++importCount_;
    return true;
  }

  Expected<void> encodeField() {
    const size_t fieldStart = pos();
    WHARF_CHECK(expectLParen());
    const Token& kw = next();
    std::string_view k = kw.text;
    if (k == "type") return skipField(fieldStart);
    if (k == "import") return parseImport();
    if (k == "func") return parseFunc();
    if (k == "table") return parseTable();
    if (k == "memory") return parseMemory();
    if (k == "global") return parseGlobal();
    if (k == "export") return parseExport();
    if (k == "start") return parseStart(kw);
    if (k == "elem") return parseElem();
    if (k == "data") return parseData();
    return unexpected(kw);
  }

  Expected<void> parseImport() {
    WHARF_TRY(module, parseName());
    WHARF_TRY(name, parseName());
    WHARF_CHECK(expectLParen());
    const Token& kind = next();
    optionalId();
    writeName(importSec_, module);
    writeName(importSec_, name);
    ++importCount_;
    if (isKeyword(kind, "func")) {
      TypeUse tu;
      WHARF_CHECK(parseTypeUse(tu, /*allowParamIds=*/true));
      WHARF_TRY(type, resolveTypeUse(tu));
      importSec_.push_back(0x00);
      writeU32(importSec_, type);
      ++nextIndex_[kFuncSpace];
    } else if (isKeyword(kind, "table")) {
      importSec_.push_back(0x01);
      WHARF_CHECK(parseTableType(importSec_));
      ++nextIndex_[kTableSpace];
    } else if (isKeyword(kind, "memory")) {
      importSec_.push_back(0x02);
      WHARF_CHECK(parseLimits(importSec_));
      ++nextIndex_[kMemorySpace];
    } else {
      importSec_.push_back(0x03);
      WHARF_CHECK(parseGlobalType(importSec_));
      ++nextIndex_[kGlobalSpace];
    }
    WHARF_CHECK(expectRParen());
    return expectRParen();
  }

  Expected<void> parseFunc() {
    const uint32_t index = nextIndex_[kFuncSpace]++;
    optionalId();
    WHARF_CHECK(parseInlineExports(0x00, index));
    WHARF_TRY(imported, parseInlineImport(0x00));
    TypeUse tu;
    WHARF_CHECK(parseTypeUse(tu, /*allowParamIds=*/true));
    WHARF_TRY(type, resolveTypeUse(tu));
    if (imported) {
      writeU32(importSec_, type);
      return expectRParen();
    }
    writeU32(funcSec_, type);
    ++funcCount_;

    // Locals: parameters first (their types come from the type when not inline).
    resetLocals();
    labels_.clear();
    uint32_t numParams = uint32_t(tu.sig.params.size());
    if (tu.hasIndex && !hasInlineSignature(tu) && tu.index < types_.size()) {
      numParams = uint32_t(types_[tu.index].params.size());
    }
    for (uint32_t i = 0; i < tu.paramIds.size(); ++i) {
      if (tu.paramIds[i].empty()) continue;
      if (!locals_.emplace(tu.paramIds[i], i).second) {
        return errorAt(peek(), "duplicate local " + std::string(tu.paramIds[i]));
      }
    }
    std::vector<ValType> localTypes;
    while (atParenKeyword("local")) {
      next();
      next();
      if (peek().kind == TokenKind::Id) {
        const Token& id = next();
        WHARF_TRY(t, parseValType());
        if (!locals_.emplace(id.text, numParams + uint32_t(localTypes.size())).second) {
          return errorAt(id, "duplicate local " + std::string(id.text));
        }
        localTypes.push_back(t);
      } else {
        while (!atRParen()) {
          WHARF_TRY(t, parseValType());
          localTypes.push_back(t);
        }
      }
      WHARF_CHECK(expectRParen());
    }

    body_.clear();
    // Local declarations: runs of equal types.
    size_t runs = 0;
    for (size_t i = 0; i < localTypes.size(); ++i) {
      if (i == 0 || localTypes[i] != localTypes[i - 1]) ++runs;
    }
    writeU32(body_, runs);
    for (size_t i = 0; i < localTypes.size();) {
      size_t j = i;
      while (j < localTypes.size() && localTypes[j] == localTypes[i]) ++j;
      writeU32(body_, j - i);
      body_.push_back(valTypeCode(localTypes[i]));
      i = j;
    }
    WHARF_CHECK(parseInstrs(body_));
    WHARF_CHECK(expectRParen());
    body_.push_back(0x0B);
    resetLocals();
    writeU32(codeSec_, body_.size());
    codeSec_.insert(codeSec_.end(), body_.begin(), body_.end());
    return {};
  }

  // clear() costs O(buckets): after a function with many named locals, start
  // afresh so later small functions stay cheap.
  void resetLocals() {
    if (locals_.bucket_count() > 64) {
      locals_ = {};
    } else {
      locals_.clear();
    }
  }

  Expected<void> parseTable() {
    const uint32_t index = nextIndex_[kTableSpace]++;
    optionalId();
    WHARF_CHECK(parseInlineExports(0x01, index));
    WHARF_TRY(imported, parseInlineImport(0x01));
    if (imported) {
      WHARF_CHECK(parseTableType(importSec_));
      return expectRParen();
    }
    if (isKeyword(peek(), "funcref") || isKeyword(peek(), "externref")) {
      // (table reftype (elem ...)): sized to fit, with an active segment at 0.
      WHARF_TRY(type, parseRefType());
      if (!atParenKeyword("elem")) return unexpected(peek());
      next();
      next();
      ElemSeg seg;
      seg.mode = SegMode::Active;
      seg.table = index;
      seg.type = type;
      emitOp(seg.offset, Opcode::I32Const);
      seg.offset.push_back(0x00);
      seg.offset.push_back(0x0B);
      if (peek().kind == TokenKind::LParen) {
        WHARF_CHECK(parseElemExprs(seg));
      } else {
        WHARF_CHECK(parseElemFuncs(seg));
      }
      WHARF_CHECK(expectRParen());
      ++nextIndex_[kElemSpace];
      tableSec_.push_back(valTypeCode(type));
      tableSec_.push_back(0x01);
      writeU32(tableSec_, seg.count);
      writeU32(tableSec_, seg.count);
      ++tableCount_;
      writeElem(seg);
      return expectRParen();
    }
    WHARF_CHECK(parseTableType(tableSec_));
    ++tableCount_;
    return expectRParen();
  }

  Expected<void> parseMemory() {
    const uint32_t index = nextIndex_[kMemorySpace]++;
    optionalId();
    WHARF_CHECK(parseInlineExports(0x02, index));
    WHARF_TRY(imported, parseInlineImport(0x02));
    if (imported) {
      WHARF_CHECK(parseLimits(importSec_));
      return expectRParen();
    }
    if (atParenKeyword("data")) {
      // (memory (data ...)): sized to fit, with an active segment at 0.
      next();
      next();
      std::string bytes;
      while (peek().kind == TokenKind::String) bytes += decodeString(next().text);
      WHARF_CHECK(expectRParen());
      uint64_t pages = (uint64_t(bytes.size()) + kPageSize - 1) / kPageSize;
      memorySec_.push_back(0x01);
      writeU32(memorySec_, pages);
      writeU32(memorySec_, pages);
      ++memoryCount_;
      ++nextIndex_[kDataSpace];
      if (index != 0) {
        dataSec_.push_back(0x02);
        writeU32(dataSec_, index);
      } else {
        dataSec_.push_back(0x00);
      }
      emitOp(dataSec_, Opcode::I32Const);
      dataSec_.push_back(0x00);
      dataSec_.push_back(0x0B);
      writeName(dataSec_, bytes);
      ++dataCount_;
      return expectRParen();
    }
    WHARF_CHECK(parseLimits(memorySec_));
    ++memoryCount_;
    return expectRParen();
  }

  Expected<void> parseGlobal() {
    const uint32_t index = nextIndex_[kGlobalSpace]++;
    optionalId();
    WHARF_CHECK(parseInlineExports(0x03, index));
    WHARF_TRY(imported, parseInlineImport(0x03));
    if (imported) {
      WHARF_CHECK(parseGlobalType(importSec_));
      return expectRParen();
    }
    WHARF_CHECK(parseGlobalType(globalSec_));
    WHARF_CHECK(parseExpr(globalSec_));
    ++globalCount_;
    return expectRParen();
  }

  Expected<void> parseExport() {
    WHARF_TRY(name, parseName());
    WHARF_CHECK(expectLParen());
    const Token& kind = peek();
    uint8_t code;
    Space space;
    if (isKeyword(kind, "func")) {
      code = 0x00, space = kFuncSpace;
    } else if (isKeyword(kind, "table")) {
      code = 0x01, space = kTableSpace;
    } else if (isKeyword(kind, "memory")) {
      code = 0x02, space = kMemorySpace;
    } else if (isKeyword(kind, "global")) {
      code = 0x03, space = kGlobalSpace;
    } else {
      return unexpected(kind);
    }
    next();
    WHARF_TRY(index, parseIndex(space));
    WHARF_CHECK(expectRParen());
    addExport(name, code, index);
    return expectRParen();
  }

  Expected<void> parseStart(const Token& kw) {
    if (hasStart_) return errorAt(kw, "multiple start sections");
    WHARF_TRY(f, parseIndex(kFuncSpace));
    hasStart_ = true;
    startSec_.clear();
    writeU32(startSec_, f);
    return expectRParen();
  }

  Expected<void> parseElemFuncs(ElemSeg& seg) {
    while (isIndexToken(peek())) {
      WHARF_TRY(f, parseIndex(kFuncSpace));
      seg.funcs.push_back(f);
      ++seg.count;
    }
    return {};
  }

  // Element expressions: `(item instr*)` or a single folded instruction each.
  Expected<void> parseElemExprs(ElemSeg& seg) {
    while (peek().kind == TokenKind::LParen) {
      size_t mark = seg.exprs.size();
      if (atParenKeyword("item")) {
        next();
        next();
        WHARF_CHECK(parseExpr(seg.exprs));
        WHARF_CHECK(expectRParen());
      } else {
        WHARF_CHECK(parseFolded(seg.exprs));
        seg.exprs.push_back(0x0B);
      }
      ++seg.count;
      if (seg.allFuncIndices) {
        // Is it exactly `ref.func x end`?
        const uint8_t* p = seg.exprs.data() + mark;
        const uint8_t* e = seg.exprs.data() + seg.exprs.size() - 1;
        uint64_t x = 0;
        int shift = 0;
        bool ok = *p++ == 0xD2;
        while (ok && p < e) {
          x |= uint64_t(*p & 0x7F) << shift;
          shift += 7;
          if (!(*p++ & 0x80)) break;
        }
        ok = ok && p == e;
        if (ok) {
          seg.funcs.push_back(uint32_t(x));
        } else {
          seg.allFuncIndices = false;
        }
      }
    }
    return {};
  }

  // `func funcidx*` or `reftype elemexpr*`.
  Expected<void> parseElemList(ElemSeg& seg) {
    if (isKeyword(peek(), "func")) {
      next();
      return parseElemFuncs(seg);
    }
    WHARF_TRY(type, parseRefType());
    seg.type = type;
    return parseElemExprs(seg);
  }

  Expected<void> parseElem() {
    ++nextIndex_[kElemSpace];
    optionalId();
    ElemSeg seg;
    if (isKeyword(peek(), "declare")) {
      next();
      seg.mode = SegMode::Declarative;
      WHARF_CHECK(parseElemList(seg));
    } else if (peek().kind == TokenKind::LParen ||
               (isIndexToken(peek()) && peek(1).kind == TokenKind::LParen)) {
      seg.mode = SegMode::Active;
      if (atParenKeyword("table")) {
        next();
        next();
        WHARF_TRY(t, parseIndex(kTableSpace));
        seg.table = t;
        WHARF_CHECK(expectRParen());
      } else if (isIndexToken(peek())) {
        WHARF_TRY(t, parseIndex(kTableSpace));  // legacy `(elem 0 (offset ...) ...)`
        seg.table = t;
      }
      WHARF_CHECK(parseOffset(seg.offset));
      if (isIndexToken(peek()) || atRParen()) {
        WHARF_CHECK(parseElemFuncs(seg));  // abbreviation: funcidx* without `func`
      } else {
        WHARF_CHECK(parseElemList(seg));
      }
    } else {
      seg.mode = SegMode::Passive;
      WHARF_CHECK(parseElemList(seg));
    }
    WHARF_CHECK(expectRParen());
    writeElem(seg);
    return {};
  }

  void writeElem(const ElemSeg& seg) {
    const bool useIndices = seg.allFuncIndices && seg.type == ValType::funcref();
    uint8_t flags = useIndices ? 0 : 4;
    bool explicitTable = false;
    switch (seg.mode) {
      case SegMode::Active:
        explicitTable = seg.table != 0 || seg.type != ValType::funcref();
        if (explicitTable) flags |= 2;
        break;
      case SegMode::Passive: flags |= 1; break;
      case SegMode::Declarative: flags |= 3; break;
    }
    elemSec_.push_back(flags);
    if (explicitTable) writeU32(elemSec_, seg.table);
    if (seg.mode == SegMode::Active) elemSec_.insert(elemSec_.end(), seg.offset.begin(), seg.offset.end());
    if (flags & 3) elemSec_.push_back(useIndices ? 0x00 : valTypeCode(seg.type));
    writeU32(elemSec_, seg.count);
    if (useIndices) {
      for (uint32_t f : seg.funcs) writeU32(elemSec_, f);
    } else {
      elemSec_.insert(elemSec_.end(), seg.exprs.begin(), seg.exprs.end());
    }
    ++elemCount_;
  }

  Expected<void> parseData() {
    ++nextIndex_[kDataSpace];
    optionalId();
    Bytes head;
    if (peek().kind == TokenKind::LParen || (isIndexToken(peek()) && peek(1).kind == TokenKind::LParen)) {
      uint32_t mem = 0;
      if (atParenKeyword("memory")) {
        next();
        next();
        WHARF_TRY(m, parseIndex(kMemorySpace));
        mem = m;
        WHARF_CHECK(expectRParen());
      } else if (isIndexToken(peek())) {
        WHARF_TRY(m, parseIndex(kMemorySpace));  // legacy `(data 0 (offset ...) ...)`
        mem = m;
      }
      if (mem != 0) {
        head.push_back(0x02);
        writeU32(head, mem);
      } else {
        head.push_back(0x00);
      }
      WHARF_CHECK(parseOffset(head));
    } else {
      head.push_back(0x01);
    }
    std::string bytes;
    while (peek().kind == TokenKind::String) bytes += decodeString(next().text);
    WHARF_CHECK(expectRParen());
    dataSec_.insert(dataSec_.end(), head.begin(), head.end());
    writeName(dataSec_, bytes);
    ++dataCount_;
    return {};
  }

  // ---------------------------------------------------------------------
  // Output.

  static void appendSection(Bytes& out, uint8_t id, uint32_t count, const Bytes& body,
                            bool withCount = true) {
    Bytes head;
    if (withCount) writeU32(head, count);
    out.push_back(id);
    writeU32(out, head.size() + body.size());
    out.insert(out.end(), head.begin(), head.end());
    out.insert(out.end(), body.begin(), body.end());
  }

  Expected<Bytes> assemble() {
    Bytes out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    if (!types_.empty()) {
      Bytes body;
      for (const FuncType& ft : types_) {
        body.push_back(0x60);
        writeU32(body, ft.params.size());
        for (ValType t : ft.params) body.push_back(valTypeCode(t));
        writeU32(body, ft.results.size());
        for (ValType t : ft.results) body.push_back(valTypeCode(t));
      }
      appendSection(out, 1, uint32_t(types_.size()), body);
    }
    if (importCount_) appendSection(out, 2, importCount_, importSec_);
    if (funcCount_) appendSection(out, 3, funcCount_, funcSec_);
    if (tableCount_) appendSection(out, 4, tableCount_, tableSec_);
    if (memoryCount_) appendSection(out, 5, memoryCount_, memorySec_);
    if (globalCount_) appendSection(out, 6, globalCount_, globalSec_);
    if (exportCount_) appendSection(out, 7, exportCount_, exportSec_);
    if (hasStart_) appendSection(out, 8, 0, startSec_, /*withCount=*/false);
    if (elemCount_) appendSection(out, 9, elemCount_, elemSec_);
    if (usesDataCount_) {
      Bytes count;
      writeU32(count, dataCount_);
      appendSection(out, 12, 0, count, /*withCount=*/false);
    }
    if (funcCount_) appendSection(out, 10, funcCount_, codeSec_);
    if (dataCount_) appendSection(out, 11, dataCount_, dataSec_);
    if (withNames_) appendNameSection(out);
    return out;
  }

  // A "name" custom section with the functions' $ids (without the `$`), so
  // that trap backtraces of text modules name their functions.
  void appendNameSection(Bytes& out) const {
    const IdSpace& funcs = spaces_[kFuncSpace];
    if (funcs.ids.empty()) return;
    std::vector<std::pair<uint32_t, std::string_view>> names;
    for (const auto& [id, index] : funcs.ids)
      names.emplace_back(index, id.substr(id.starts_with('$') ? 1 : 0));
    std::sort(names.begin(), names.end());
    Bytes map;
    writeU32(map, uint32_t(names.size()));
    for (const auto& [index, name] : names) {
      writeU32(map, index);
      writeName(map, name);
    }
    Bytes body;
    writeName(body, "name");
    body.push_back(1);  // subsection: function names
    writeU32(body, uint32_t(map.size()));
    body.insert(body.end(), map.begin(), map.end());
    out.push_back(0);
    writeU32(out, uint32_t(body.size()));
    out.insert(out.end(), body.begin(), body.end());
  }

  bool withNames_;
  struct IdSpace {
    std::unordered_map<std::string_view, uint32_t> ids;
    uint32_t count = 0;
  };
  IdSpace spaces_[kNumSpaces];
  size_t failedFieldStart_ = 0;
  uint32_t nextIndex_[kNumSpaces] = {};
  std::vector<FuncType> types_;
  std::unordered_map<std::string, uint32_t> typeBySignature_;

  Bytes importSec_, funcSec_, tableSec_, memorySec_, globalSec_, exportSec_, startSec_, elemSec_, codeSec_,
      dataSec_;
  uint32_t importCount_ = 0, funcCount_ = 0, tableCount_ = 0, memoryCount_ = 0, globalCount_ = 0,
           exportCount_ = 0, elemCount_ = 0, dataCount_ = 0;
  bool hasStart_ = false;
  bool usesDataCount_ = false;

  // Per-function state.
  std::unordered_map<std::string_view, uint32_t> locals_;
  std::vector<std::string_view> labels_;
  std::vector<Frame> frames_;
  Bytes pending_;
  Bytes body_;
};

// Index of the ')' matching the '(' at `open`, or the Eof index if unbalanced.
size_t matchingParen(const TokenStream& ts, size_t open) {
  int depth = 0;
  for (size_t i = open; i < ts.tokens.size(); ++i) {
    TokenKind k = ts.tokens[i].kind;
    if (k == TokenKind::LParen) ++depth;
    if (k == TokenKind::RParen && --depth == 0) return i;
  }
  return ts.tokens.size() - 1;
}

}  // namespace

Expected<std::vector<uint8_t>> encodeModuleFields(const TokenStream& ts, size_t begin, size_t end,
                                                  bool withNames) {
  ModuleParser parser(ts, begin, end, withNames);
  return parser.run();
}

}  // namespace wharf::text

namespace wharf {

Expected<std::vector<uint8_t>> parseWatModule(std::string_view text, bool withNames) {
  using namespace wharf::text;
  TokenStream ts = tokenize(text);
  const size_t eof = ts.tokens.size() - 1;
  TokenCursor c(ts, 0, eof);
  if (!c.atParenKeyword("module")) return encodeModuleFields(ts, 0, eof, withNames);
  const size_t close = matchingParen(ts, 0);
  if (close != eof && close + 1 != eof) return c.unexpected(ts.tokens[close + 1]);
  c.next();
  c.next();
  if (c.peek().kind == TokenKind::Id) c.next();
  if (TokenCursor::isKeyword(c.peek(), "binary") || TokenCursor::isKeyword(c.peek(), "quote")) {
    bool binary = c.peek().text == "binary";
    c.next();
    std::string content;
    while (c.peek().kind == TokenKind::String) content += decodeString(c.next().text);
    if (c.peek().kind != TokenKind::RParen || c.pos() != close) return c.unexpected(c.peek());
    if (!binary) return parseWatModule(content, withNames);
    return std::vector<uint8_t>(content.begin(), content.end());
  }
  return encodeModuleFields(ts, c.pos(), close, withNames);
}

}  // namespace wharf
