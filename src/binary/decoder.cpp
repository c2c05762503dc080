#include "binary/decoder.h"

#include <algorithm>
#include <optional>
#include <string>

#include "binary/byte_reader.h"
#include "binary/instr_reader.h"
#include "binary/parallel.h"

namespace wharf {

bool isValidUtf8(const uint8_t* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    // ASCII runs dominate names; skip them eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    uint32_t len, cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, cp = c & 0x07;
    } else {
      return false;  // continuation byte, overlong 2-byte lead (C0/C1), or F5..FF
    }
    if (n - i < len) return false;
    for (uint32_t k = 1; k < len; ++k) {
      uint8_t cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return false;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return false;
    i += len;
  }
  return true;
}

namespace {

// Position of each non-custom section in the required order (data count sits
// between element and code).
int sectionRank(uint8_t id) {
  switch (id) {
    case 12: return 10;
    case 10: return 11;
    case 11: return 12;
    default: return id;
  }
}

// Reserves for a vector of `n` elements that each take at least `minBytes`
// bytes, so a forged count cannot make us allocate more than the input can
// describe.
template <typename V>
void reserveFor(V& v, uint32_t n, uint32_t remaining, uint32_t minBytes) {
  v.reserve(std::min<uint64_t>(n, remaining / minBytes));
}

// Walks expressions (function bodies, constant expressions) for their
// structure; one per thread, reused for every expression.
class ExprWalker {
 public:
  explicit ExprWalker(const std::vector<uint8_t>& bytes)
      : data_(bytes.data()), end_(uint32_t(bytes.size())), reader_(std::span<const uint8_t>(bytes), 0, 0) {}

  bool walk(uint32_t pos, bool inFunction);

  uint32_t endPos = 0;         // after the final `end`, on success
  Error error;                 // on failure
  bool usesDataIndex = false;  // a function body used memory.init or data.drop

 private:
  enum : uint8_t { kBlock, kIf, kIfElse };  // open block kinds
  struct StepResult {
    enum Status : uint8_t { Continue, Done, Failed } status;
    uint32_t pos;  // Continue: of the next instruction
  };
  [[gnu::noinline]] StepResult step(uint32_t pos, bool inFunction);

  const uint8_t* data_;
  uint32_t end_;
  InstrReader reader_;
  std::vector<uint8_t> ctrl_;
};

// Code entries handed to a decoding thread at a time.
constexpr size_t kBodiesPerChunk = 16;

struct BodyWalk {
  bool ok = true;
  Error error;  // the first failing body's, unless ok
  bool usesDataIndex = false;
};
BodyWalk walkBodies(const Module& m, size_t count, const LoadInterrupt* interrupt);

class Decoder {
 public:
  Decoder(Module& m, const DecodeOptions& options)
      : m_(m),
        r_(m.bytes.data(), 0, uint32_t(m.bytes.size())),
        walker_(m.bytes),
        walkBodies_(options.walkBodies),
        interrupt_(options.interrupt) {}

  bool decode();
  Error error() const { return instrError_ ? *instrError_ : r_.error(); }

 private:
  bool fail(const char* message, uint32_t offset) { return r_.fail(message, offset); }

  bool decodeSections();
  bool header();
  bool section(uint8_t id, uint32_t start, uint32_t size);
  bool typeSection();
  bool importSection();
  bool functionSection();
  bool tableSection();
  bool memorySection();
  bool globalSection();
  bool exportSection();
  bool startSection();
  bool elementSection();
  bool dataCountSection();
  bool codeSection();
  bool dataSection();
  bool customSection(uint32_t start, uint32_t size);
  void parseNameSection(ByteRange contents);
  bool finish();

  bool name(std::string& out);
  bool limits(Limits& l);
  bool tableType(TableType& t);
  bool globalType(GlobalType& g);
  bool elemKind(ValType& t);
  // Reads an expression at the cursor through its final `end` (ExprWalker).
  bool expr(bool inFunction);
  bool constExpr(ConstExpr& e) {
    e.offset = r_.pos();
    if (!expr(false)) return false;
    e.size = r_.pos() - e.offset;
    return true;
  }

  Module& m_;
  ByteReader r_;
  std::optional<Error> instrError_;
  ExprWalker walker_;  // for constant expressions
  uint32_t numFuncDecls_ = 0;
  bool usesDataIndex_ = false;  // a walked function body uses memory.init or data.drop
  bool walkBodies_;
  const LoadInterrupt* interrupt_;
  bool bodiesPending_ = false;  // the code section was read without walking its bodies
};

bool Decoder::decode() {
  if (decodeSections()) return true;
  // A body error comes before anything wrong after the code section.
  if (bodiesPending_) {
    BodyWalk walk = walkBodies(m_, m_.functions.size(), interrupt_);
    if (!walk.ok) instrError_ = std::move(walk.error);
  }
  return false;
}

bool Decoder::decodeSections() {
  if (!header()) return false;
  int lastRank = 0;
  while (!r_.atEnd()) {
    if (interrupt_ && interrupt_->requested()) {
      instrError_ = makeError(kLoadInterruptedMessage);
      return false;
    }
    // The section header is read at the top level, where the testsuite words a
    // truncation as plain "unexpected end".
    r_.setEndMessage("unexpected end");
    uint32_t idPos = r_.pos();
    uint8_t id;
    if (!r_.u8(id)) return false;
    if (id > 12) return fail("malformed section id", idPos);
    if (id != 0) {
      int rank = sectionRank(id);
      // A repeated or out-of-order section cannot be the continuation of a
      // well-formed module: the reference parser stops before it.
      if (rank <= lastRank) return fail("unexpected content after last section", idPos);
      lastRank = rank;
    }
    uint32_t size;
    if (!r_.length(size)) return false;
    uint32_t start = r_.pos();
    r_.setEndMessage(kUnexpectedEndInSection);
    if (!section(id, start, size)) return false;
    // Contents are read without clamping to the declared size (as the
    // reference interpreter does), so a wrong count or size is reported here.
    if (r_.pos() != start + size) return fail("section size mismatch", start);
    m_.sections.push_back(SectionInfo{SectionId(id), ByteRange{start, size}});
  }
  return finish();
}

bool Decoder::header() {
  r_.setEndMessage("unexpected end");
  uint32_t magic, version;
  if (!r_.fixed32(magic)) return false;
  if (magic != 0x6D736100) return fail("magic header not detected", 0);
  if (!r_.fixed32(version)) return false;
  if (version != 1) return fail("unknown binary version", 4);
  return true;
}

bool Decoder::section(uint8_t id, uint32_t start, uint32_t size) {
  switch (SectionId(id)) {
    case SectionId::Custom: return customSection(start, size);
    case SectionId::Type: return typeSection();
    case SectionId::Import: return importSection();
    case SectionId::Function: return functionSection();
    case SectionId::Table: return tableSection();
    case SectionId::Memory: return memorySection();
    case SectionId::Global: return globalSection();
    case SectionId::Export: return exportSection();
    case SectionId::Start: return startSection();
    case SectionId::Element: return elementSection();
    case SectionId::Code: return codeSection();
    case SectionId::Data: return dataSection();
    case SectionId::DataCount: return dataCountSection();
  }
  return false;
}

bool Decoder::name(std::string& out) {
  uint32_t start = r_.pos();
  uint32_t n;
  if (!r_.length(n)) return false;
  uint32_t at = r_.pos();
  if (!r_.skip(n)) return false;
  const uint8_t* p = r_.data() + at;
  if (!isValidUtf8(p, n)) return fail("malformed UTF-8 encoding", start);
  out.assign(reinterpret_cast<const char*>(p), n);
  return true;
}

bool Decoder::limits(Limits& l) {
  bool hasMax;
  uint32_t min, max;
  if (!r_.varU1(hasMax) || !r_.varU32(min)) return false;
  l.min = min;
  if (hasMax) {
    if (!r_.varU32(max)) return false;
    l.max = max;
  }
  return true;
}

bool Decoder::tableType(TableType& t) { return r_.refType(t.elem) && limits(t.limits); }

bool Decoder::globalType(GlobalType& g) {
  if (!r_.valType(g.type)) return false;
  uint32_t at = r_.pos();
  uint8_t mut;
  if (!r_.u8(mut)) return false;
  if (mut > 1) return fail("malformed mutability", at);
  g.mut = mut ? Mutability::Var : Mutability::Const;
  return true;
}

bool Decoder::elemKind(ValType& t) {
  uint32_t at = r_.pos();
  uint8_t k;
  if (!r_.u8(k)) return false;
  if (k != 0) return fail("malformed element kind", at);
  t = ValType::funcref();
  return true;
}

bool Decoder::typeSection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  reserveFor(m_.types, n, r_.remaining(), 3);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t at = r_.pos();
    uint8_t form;
    if (!r_.u8(form)) return false;
    if (form != 0x60) {
      if (form & 0x80) return fail("integer representation too long", at + 1);
      return fail("malformed function type", at);
    }
    FuncType ft;
    uint32_t np, nr;
    uint32_t countAt = r_.pos();
    if (!r_.length(np)) return false;
    if (np > kMaxFunctionParams) return fail("too many parameters", countAt);
    ft.params.resize(np);
    for (auto& t : ft.params)
      if (!r_.valType(t)) return false;
    countAt = r_.pos();
    if (!r_.length(nr)) return false;
    if (nr > kMaxFunctionResults) return fail("too many results", countAt);
    ft.results.resize(nr);
    for (auto& t : ft.results)
      if (!r_.valType(t)) return false;
    m_.types.push_back(std::move(ft));
  }
  return true;
}

bool Decoder::importSection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  reserveFor(m_.imports, n, r_.remaining(), 4);
  for (uint32_t i = 0; i < n; ++i) {
    Import im;
    if (!name(im.module) || !name(im.name)) return false;
    uint32_t at = r_.pos();
    uint8_t kind;
    if (!r_.u8(kind)) return false;
    switch (kind) {
      case 0:
        if (!r_.varU32(im.funcType)) return false;
        m_.funcs.push_back(im.funcType);
        ++m_.numImportedFuncs;
        break;
      case 1:
        if (!tableType(im.table)) return false;
        m_.tables.push_back(im.table);
        ++m_.numImportedTables;
        break;
      case 2:
        if (!limits(im.memory.limits)) return false;
        m_.memories.push_back(im.memory);
        ++m_.numImportedMemories;
        break;
      case 3:
        if (!globalType(im.global)) return false;
        m_.globals.push_back(im.global);
        ++m_.numImportedGlobals;
        break;
      default: return fail("malformed import kind", at);
    }
    im.kind = ExternKind(kind);
    m_.imports.push_back(std::move(im));
  }
  return true;
}

bool Decoder::functionSection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  m_.funcs.reserve(m_.funcs.size() + n);  // n <= remaining bytes, one byte each at least
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t t;
    if (!r_.varU32(t)) return false;
    m_.funcs.push_back(t);
  }
  numFuncDecls_ = n;
  return true;
}

bool Decoder::tableSection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    TableType t;
    if (!tableType(t)) return false;
    m_.tables.push_back(t);
  }
  return true;
}

bool Decoder::memorySection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    MemoryType t;
    if (!limits(t.limits)) return false;
    m_.memories.push_back(t);
  }
  return true;
}

bool Decoder::globalSection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  reserveFor(m_.globalDefs, n, r_.remaining(), 3);
  for (uint32_t i = 0; i < n; ++i) {
    Global g;
    if (!globalType(g.type) || !constExpr(g.init)) return false;
    m_.globals.push_back(g.type);
    m_.globalDefs.push_back(g);
  }
  return true;
}

bool Decoder::exportSection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  reserveFor(m_.exports, n, r_.remaining(), 3);
  for (uint32_t i = 0; i < n; ++i) {
    Export e;
    if (!name(e.name)) return false;
    uint32_t at = r_.pos();
    uint8_t kind;
    if (!r_.u8(kind)) return false;
    if (kind > 3) return fail("malformed export kind", at);
    e.kind = ExternKind(kind);
    if (!r_.varU32(e.index)) return false;
    m_.exports.push_back(std::move(e));
  }
  return true;
}

bool Decoder::startSection() {
  uint32_t f;
  if (!r_.varU32(f)) return false;
  m_.start = f;
  return true;
}

bool Decoder::elementSection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  reserveFor(m_.elems, n, r_.remaining(), 2);
  for (uint32_t i = 0; i < n; ++i) {
    ElemSegment seg;
    uint32_t at = r_.pos();
    uint32_t flags;
    if (!r_.varU32(flags)) return false;
    if (flags > 7) return fail("malformed elements segment kind", at);
    // Bit 0: passive or declarative; bit 1: explicit table index (active) or
    // declarative; bit 2: expressions instead of function indices.
    bool passiveOrDeclarative = flags & 1, bit1 = flags & 2;
    seg.usesExprs = flags & 4;
    seg.mode =
        passiveOrDeclarative ? (bit1 ? SegmentMode::Declarative : SegmentMode::Passive) : SegmentMode::Active;
    if (seg.mode == SegmentMode::Active) {
      if (bit1 && !r_.varU32(seg.table)) return false;
      if (!constExpr(seg.offset)) return false;
    }
    if (flags & 3) {  // forms that spell out the element type
      if (!(seg.usesExprs ? r_.refType(seg.type) : elemKind(seg.type))) return false;
    } else {
      seg.type = ValType::funcref();
    }
    uint32_t count;
    if (!r_.length(count)) return false;
    if (seg.usesExprs) {
      reserveFor(seg.exprs, count, r_.remaining(), 2);
      for (uint32_t k = 0; k < count; ++k) {
        ConstExpr e;
        if (!constExpr(e)) return false;
        seg.exprs.push_back(e);
      }
    } else {
      seg.funcIndices.resize(count);
      for (auto& f : seg.funcIndices)
        if (!r_.varU32(f)) return false;
    }
    m_.elems.push_back(std::move(seg));
  }
  return true;
}

bool Decoder::dataCountSection() {
  uint32_t n;
  if (!r_.varU32(n)) return false;
  m_.dataCount = n;
  return true;
}

// Code entries are read in two passes. The first reads each entry's size and
// locals and jumps over its body; the second (walkBodies) walks the bodies, on
// two threads for a large module. The error is the one a single pass would
// stop at: the first failing body, or else the first pass's error after all
// the bodies before it. Without DecodeOptions::walkBodies the second pass is
// left out when the first finds nothing wrong.
bool Decoder::codeSection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  reserveFor(m_.functions, n, r_.remaining(), 2);
  bool headersOk = true;
  bool mustFail = false;
  for (uint32_t i = 0; i < n; ++i) {
    Function f;
    uint32_t size;
    if (!r_.length(size)) {
      headersOk = false;
      break;
    }
    uint32_t start = r_.pos();
    f.code = ByteRange{start, size};
    uint32_t localsPos = r_.pos();
    uint32_t runs;
    if (!r_.length(runs)) {
      headersOk = false;
      break;
    }
    reserveFor(f.locals, runs, r_.remaining(), 2);
    uint64_t total = 0;
    bool localsOk = true;
    for (uint32_t k = 0; k < runs && localsOk; ++k) {
      LocalRun run;
      localsOk = r_.varU32(run.count) && r_.valType(run.type);
      total += run.count;
      if (localsOk && run.count) f.locals.push_back(run);
    }
    if (!localsOk) {
      headersOk = false;
      break;
    }
    uint32_t funcIndex = m_.numImportedFuncs + i;
    if (i < numFuncDecls_) f.typeIndex = m_.funcs[funcIndex];
    uint64_t params = f.typeIndex < m_.types.size() ? m_.types[f.typeIndex].params.size() : 0;
    if (total >= (uint64_t{1} << 32) || total + params > kMaxFunctionLocals) {
      fail("too many locals", localsPos);
      headersOk = false;
      break;
    }
    f.numLocals = uint32_t(total);
    uint32_t bodyStart = r_.pos();
    f.body.offset = bodyStart;
    uint64_t entryEnd = uint64_t(start) + size;
    m_.functions.push_back(std::move(f));
    // A body that starts past its entry's end, or an entry that runs past the
    // input, cannot end where the entry does: the second pass reports it.
    if (bodyStart > entryEnd || entryEnd > r_.end()) {
      mustFail = true;
      break;
    }
    r_.setPos(uint32_t(entryEnd));
  }

  size_t count = m_.functions.size();
  if (headersOk && count == n && !mustFail) {
    for (Function& f : m_.functions) f.body.size = f.code.offset + f.code.size - f.body.offset;
    if (!walkBodies_) {
      bodiesPending_ = true;  // see decodeModule(bytes, options)
      return true;
    }
  }
  BodyWalk walk = walkBodies(m_, count, interrupt_);
  usesDataIndex_ |= walk.usesDataIndex;
  if (!walk.ok) {
    instrError_ = std::move(walk.error);
    return false;
  }
  if (!headersOk) return false;  // the first pass's error, in r_
  // The first pass stopped at an entry that must fail; its walk did not.
  if (mustFail) return fail("section size mismatch", m_.functions.back().code.offset);
  return true;
}

bool Decoder::dataSection() {
  uint32_t n;
  if (!r_.length(n)) return false;
  reserveFor(m_.datas, n, r_.remaining(), 2);
  for (uint32_t i = 0; i < n; ++i) {
    DataSegment seg;
    uint32_t at = r_.pos();
    uint32_t flags;
    if (!r_.varU32(flags)) return false;
    if (flags > 2) return fail("malformed data segment kind", at);
    seg.mode = flags == 1 ? SegmentMode::Passive : SegmentMode::Active;
    if (flags == 2 && !r_.varU32(seg.memory)) return false;
    if (flags != 1 && !constExpr(seg.offset)) return false;
    uint32_t size;
    if (!r_.length(size)) return false;
    seg.init.offset = r_.pos();
    seg.init.size = size;
    if (!r_.skip(size)) return false;
    m_.datas.push_back(seg);
  }
  return true;
}

bool Decoder::customSection(uint32_t start, uint32_t size) {
  CustomSection c;
  if (!name(c.name)) return false;
  uint32_t end = start + size;
  // A name that runs past the declared size leaves a negative remainder; a
  // size may also overshoot the input by the length of its own prefix.
  if (r_.pos() > end || end > r_.end()) return r_.failEnd();
  c.contents = ByteRange{r_.pos(), end - r_.pos()};
  r_.setPos(end);
  // The contents of custom sections are not part of well-formedness: a broken
  // name section only loses its names.
  if (c.name == "name") parseNameSection(c.contents);
  m_.customs.push_back(std::move(c));
  return true;
}

void Decoder::parseNameSection(ByteRange contents) {
  ByteReader r(m_.bytes.data(), contents.offset, contents.offset + contents.size);
  auto readName = [&](std::string& out) {
    uint32_t n;
    if (!r.varU32(n) || n > r.remaining()) return false;
    const uint8_t* p = r.data() + r.pos();
    if (!isValidUtf8(p, n)) return false;
    out.assign(reinterpret_cast<const char*>(p), n);
    r.setPos(r.pos() + n);
    return true;
  };
  while (!r.atEnd()) {
    uint8_t id;
    uint32_t size;
    if (!r.u8(id) || !r.varU32(size) || size > r.remaining()) return;
    uint32_t subEnd = r.pos() + size;
    if (id == 0) {
      std::string s;
      if (readName(s) && r.pos() == subEnd) m_.moduleName = std::move(s);
    } else if (id == 1) {
      uint32_t n;
      if (!r.varU32(n)) return;
      std::map<uint32_t, std::string> names;
      for (uint32_t i = 0; i < n; ++i) {
        uint32_t idx;
        std::string s;
        if (r.pos() >= subEnd || !r.varU32(idx) || !readName(s)) return;
        names[idx] = std::move(s);
      }
      if (r.pos() == subEnd) m_.funcNames = std::move(names);
    }
    r.setPos(subEnd);
  }
}

// What the walker's register loop does with an instruction's first byte: the
// immediate shapes of InstrReader, plus the structure it tracks itself.
enum class WalkClass : uint8_t { Other, None, U32, I32, MemArg, F32, F64, Block, End };

struct WalkTable {
  WalkClass cls[256];
  constexpr WalkTable() : cls{} {
    using instr_detail::Shape;
    for (int b = 0; b < 256; ++b) {
      switch (instr_detail::kShapeTable.shape[b]) {
        case Shape::Other: cls[b] = WalkClass::Other; break;
        case Shape::None: cls[b] = WalkClass::None; break;
        case Shape::U32: cls[b] = WalkClass::U32; break;
        case Shape::I32: cls[b] = WalkClass::I32; break;
        case Shape::MemArg: cls[b] = WalkClass::MemArg; break;
        case Shape::F32: cls[b] = WalkClass::F32; break;
        case Shape::F64: cls[b] = WalkClass::F64; break;
      }
    }
    auto byteOf = [](Opcode op) { return kOpInfo[uint16_t(op)].code; };
    cls[byteOf(Opcode::Block)] = WalkClass::Block;
    cls[byteOf(Opcode::Loop)] = WalkClass::Block;
    cls[byteOf(Opcode::If)] = WalkClass::Other;
    cls[byteOf(Opcode::Else)] = WalkClass::Other;
    cls[byteOf(Opcode::End)] = WalkClass::End;
  }
};
constexpr WalkTable kWalkTable;

// Reads instructions up to and including the `end` that closes the outermost
// level, checking nesting. Reads to the end of the input rather than of the
// enclosing section or body: a missing `end` is then reported exactly as the
// reference interpreter does ("END opcode expected", "unexpected end of section
// or function", or a size mismatch by the caller). On failure `error` says why.
bool ExprWalker::walk(uint32_t pos, bool inFunction) {
  using namespace instr_detail;
  ctrl_.clear();
  const uint8_t* d = data_;
  uint32_t p = pos;
  for (;;) {
    // The common single-byte instructions, read here with the position in a
    // register while at least kFastWindow bytes are left; anything else, or
    // anything unusual about them, goes to step().
    while (end_ - p >= kFastWindow) {
      uint8_t b = d[p];
      uint32_t q = p + 1;
      uint32_t u;
      int32_t i;
      switch (kWalkTable.cls[b]) {
        case WalkClass::None: break;
        case WalkClass::U32:
          if (!fastU32(d, q, u)) goto general;
          break;
        case WalkClass::I32:
          if (!fastS32(d, q, i)) goto general;
          break;
        case WalkClass::MemArg:
          if (!fastU32(d, q, u) || u >= 32 || !fastU32(d, q, u)) goto general;
          break;
        case WalkClass::F32: q += 4; break;
        case WalkClass::F64: q += 8; break;
        case WalkClass::Block:
          if (d[q] != 0x40) goto general;
          ++q;
          ctrl_.push_back(kBlock);
          break;
        case WalkClass::End:
          if (ctrl_.empty()) {
            endPos = q;
            return true;
          }
          ctrl_.pop_back();
          break;
        case WalkClass::Other: goto general;
      }
      p = q;
    }
  general:
    StepResult r = step(p, inFunction);
    if (r.status != StepResult::Continue) return r.status == StepResult::Done;
    p = r.pos;
  }
}

// One instruction at `pos` through InstrReader: one dispatch, on the opcode,
// reading its immediates with their kind known at compile time.
ExprWalker::StepResult ExprWalker::step(uint32_t pos, bool inFunction) {
  reader_.reset(pos, end_);
  Instr in;
  bool ok = reader_.readOpcode(in);
  if (ok) [[likely]] {
    switch (in.op) {
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  case Opcode::name: ok = reader_.readImmediates<ImmKind::imm>(in); break;
#include "common/opcodes.def"
#undef WHARF_OP
    }
  }
  if (!ok) [[unlikely]] {
    error = reader_.error();
    return {StepResult::Failed, 0};
  }
  switch (in.op) {
    case Opcode::Block:
    case Opcode::Loop: ctrl_.push_back(kBlock); break;
    case Opcode::If: ctrl_.push_back(kIf); break;
    case Opcode::Else:
      if (ctrl_.empty() || ctrl_.back() != kIf) {
        error = makeError("END opcode expected", in.offset);
        return {StepResult::Failed, 0};
      }
      ctrl_.back() = kIfElse;
      break;
    case Opcode::End:
      if (ctrl_.empty()) {
        endPos = reader_.position();
        return {StepResult::Done, 0};
      }
      ctrl_.pop_back();
      break;
    case Opcode::MemoryInit:
    case Opcode::DataDrop:
      if (inFunction) usesDataIndex = true;
      break;
    default: break;
  }
  return {StepResult::Continue, reader_.position()};
}

// Walks the bodies of the first `count` defined functions of `m` (each must
// end where its code entry does), on two threads for a large module.
BodyWalk walkBodies(const Module& m, size_t count, const LoadInterrupt* interrupt) {
  size_t bodyBytes = 0;
  for (size_t i = 0; i < count; ++i) bodyBytes += m.functions[i].code.size;
  unsigned workers = workersFor(bodyBytes);
  std::optional<ExprWalker> walkers[kMaxWorkers];
  for (unsigned w = 0; w < workers; ++w) walkers[w].emplace(m.bytes);
  FirstFailure bad = forEachUntilFailure(count, workers, kBodiesPerChunk, [&](unsigned w, size_t i) {
    ExprWalker& walker = *walkers[w];
    if (interrupt && interrupt->requested()) {
      walker.error = makeError(kLoadInterruptedMessage);
      return false;
    }
    const Function& f = m.functions[i];
    if (!walker.walk(f.body.offset, true)) return false;
    if (walker.endPos != f.code.offset + f.code.size) {
      walker.error = makeError("section size mismatch", f.code.offset);
      return false;
    }
    return true;
  });
  BodyWalk result;
  for (unsigned w = 0; w < workers; ++w) result.usesDataIndex |= walkers[w]->usesDataIndex;
  if (bad.index < count) {
    result.ok = false;
    result.error = std::move(walkers[bad.worker]->error);
  }
  return result;
}

bool Decoder::expr(bool inFunction) {
  if (!walker_.walk(r_.pos(), inFunction)) {
    instrError_ = std::move(walker_.error);
    return false;
  }
  r_.setPos(walker_.endPos);
  return true;
}

bool Decoder::finish() {
  uint32_t end = uint32_t(m_.bytes.size());
  if (numFuncDecls_ != m_.functions.size())
    return fail("function and code section have inconsistent lengths", end);
  if (m_.dataCount && *m_.dataCount != m_.datas.size())
    return fail("data count and data section have inconsistent lengths", end);
  // (Unknown while bodies are pending: checkFunctionBodies reports it.)
  if (!m_.dataCount && usesDataIndex_) return fail("data count section required", end);
  return true;
}

}  // namespace

Expected<std::shared_ptr<const Module>> decodeModule(std::vector<uint8_t> bytes,
                                                     const DecodeOptions& options) {
  // Offsets are 32-bit throughout; a larger module cannot be valid anyway
  // since every index space and size is bounded by 2^32.
  // (with headroom so that offset + size arithmetic cannot wrap).
  if (bytes.size() >= UINT32_MAX - 64) return makeError("module too large", 0);
  auto m = std::make_shared<Module>();
  m->bytes = std::move(bytes);
  Decoder d(*m, options);
  if (!d.decode()) return d.error();
  return std::shared_ptr<const Module>(std::move(m));
}

std::optional<Error> checkFunctionBodies(const Module& module) {
  BodyWalk walk = walkBodies(module, module.functions.size(), nullptr);
  if (!walk.ok) return std::move(walk.error);
  if (walk.usesDataIndex && !module.dataCount)
    return makeError("data count section required", uint32_t(module.bytes.size()));
  return std::nullopt;
}

}  // namespace wharf
