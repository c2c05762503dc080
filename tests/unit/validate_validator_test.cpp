// Unit tests for the validator on hand-built modules. Modules are assembled
// directly as Module IR (function bodies and constant expressions as raw
// instruction bytes), so these tests exercise only the validator and the
// InstrReader, not the section decoder.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "binary/module.h"
#include "validate/validator.h"

using namespace wharf;

namespace {

using Bytes = std::vector<uint8_t>;

// Opcode bytes used below, named for readability.
enum : uint8_t {
  kUnreachable = 0x00,
  kNop = 0x01,
  kBlock = 0x02,
  kLoop = 0x03,
  kIf = 0x04,
  kElse = 0x05,
  kEnd = 0x0B,
  kBr = 0x0C,
  kBrIf = 0x0D,
  kBrTable = 0x0E,
  kReturn = 0x0F,
  kCall = 0x10,
  kCallIndirect = 0x11,
  kDrop = 0x1A,
  kSelect = 0x1B,
  kSelectT = 0x1C,
  kLocalGet = 0x20,
  kLocalSet = 0x21,
  kLocalTee = 0x22,
  kGlobalGet = 0x23,
  kGlobalSet = 0x24,
  kI32Load = 0x28,
  kI32Store = 0x36,
  kMemorySize = 0x3F,
  kI32Const = 0x41,
  kI64Const = 0x42,
  kF32Const = 0x43,
  kI32Add = 0x6A,
  kI32Ctz = 0x68,
  kRefNull = 0xD0,
  kRefIsNull = 0xD1,
  kRefFunc = 0xD2,
  kPrefixFC = 0xFC,
  kPrefixFD = 0xFD,
  kEmptyBlock = 0x40,
  kI32 = 0x7F,
  kI64 = 0x7E,
  kF32 = 0x7D,
  kF64 = 0x7C,
  kV128 = 0x7B,
  kFuncRef = 0x70,
  kExternRef = 0x6F,
};

// Builds a Module in memory; every ByteRange points into Module::bytes.
class Builder {
 public:
  Module m;

  uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    m.types.push_back(FuncType{std::move(params), std::move(results)});
    return uint32_t(m.types.size() - 1);
  }
  // Must be called before any function is defined (imports come first).
  uint32_t importFunc(uint32_t typeIndex) {
    Import im;
    im.kind = ExternKind::Func;
    im.funcType = typeIndex;
    m.imports.push_back(im);
    m.funcs.push_back(typeIndex);
    ++m.numImportedFuncs;
    return uint32_t(m.funcs.size() - 1);
  }
  uint32_t importGlobal(ValType t, Mutability mut) {
    Import im;
    im.kind = ExternKind::Global;
    im.global = GlobalType{t, mut};
    m.imports.push_back(im);
    m.globals.push_back(im.global);
    ++m.numImportedGlobals;
    return uint32_t(m.globals.size() - 1);
  }
  // `body` is the instruction bytes; the final `end` is appended.
  uint32_t func(uint32_t typeIndex, Bytes body, std::vector<LocalRun> locals = {}) {
    Function f;
    f.typeIndex = typeIndex;
    f.locals = std::move(locals);
    for (const LocalRun& r : f.locals) f.numLocals += r.count;
    body.push_back(kEnd);
    f.body = append(body);
    f.code = f.body;
    m.functions.push_back(std::move(f));
    m.funcs.push_back(typeIndex);
    return uint32_t(m.funcs.size() - 1);
  }
  uint32_t global(ValType t, Mutability mut, Bytes init) {
    init.push_back(kEnd);
    m.globalDefs.push_back(Global{GlobalType{t, mut}, append(init)});
    m.globals.push_back(GlobalType{t, mut});
    return uint32_t(m.globals.size() - 1);
  }
  void memory(uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    MemoryType mt;
    mt.limits.min = min;
    mt.limits.max = max;
    m.memories.push_back(mt);
  }
  void table(ValType elem, uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    TableType tt;
    tt.elem = elem;
    tt.limits.min = min;
    tt.limits.max = max;
    m.tables.push_back(tt);
  }
  void exportFunc(std::string name, uint32_t index) {
    m.exports.push_back(Export{name, ExternKind::Func, index});
  }
  ConstExpr expr(Bytes code) {
    code.push_back(kEnd);
    return append(code);
  }
  // Offset of the i-th defined function's body, for checking error offsets.
  uint32_t bodyOffset(uint32_t definedIndex) const { return m.functions[definedIndex].body.offset; }

 private:
  ByteRange append(const Bytes& b) {
    ByteRange r{uint32_t(m.bytes.size()), uint32_t(b.size())};
    m.bytes.insert(m.bytes.end(), b.begin(), b.end());
    return r;
  }
};

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes sleb(int64_t v) {
  Bytes out;
  for (;;) {
    uint8_t b = v & 0x7F;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return out;
  }
}

Bytes i32c(int32_t v) { return cat({{kI32Const}, sleb(v)}); }
Bytes i64c(int64_t v) { return cat({{kI64Const}, sleb(v)}); }
Bytes f32c() { return {kF32Const, 0, 0, 0, 0}; }
Bytes v128c() {
  Bytes b = {kPrefixFD, 0x0C};
  b.resize(b.size() + 16, 0);
  return b;
}

const ValType I32 = ValType::i32(), I64 = ValType::i64(), F32 = ValType::f32(), VEC = ValType::v128();

std::string errorOf(const Module& m) {
  auto r = validateModule(m);
  return r.ok() ? std::string("<valid>") : r.error().message;
}

#define EXPECT_VALID(m)                                             \
  do {                                                              \
    auto r_ = validateModule(m);                                    \
    EXPECT_TRUE(r_.ok()) << (r_.ok() ? "" : r_.error().describe()); \
  } while (0)

}  // namespace

TEST(Validator, EmptyModuleIsValid) {
  Builder b;
  auto r = validateModule(b.m);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->functions.empty());
}

TEST(Validator, SimpleFunctionAndStackHeights) {
  Builder b;
  uint32_t t = b.type({I32, I32}, {I32});
  b.func(t, {kLocalGet, 0, kLocalGet, 1, kI32Add});
  auto r = validateModule(b.m);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->functions.size(), 1u);
  EXPECT_EQ(r->functions[0].maxStackValues, 2u);
  EXPECT_EQ(r->functions[0].maxStackSlots, 2u);
  EXPECT_EQ(r->functions[0].maxControlDepth, 1u);
}

TEST(Validator, V128CountsTwoSlots) {
  Builder b;
  uint32_t t = b.type({}, {});
  // v128.const; v128.const; i8x16.swizzle; drop; inside a block.
  b.func(t, cat({{kBlock, kEmptyBlock}, v128c(), v128c(), {kPrefixFD, 0x0E, kDrop, kEnd}}));
  auto r = validateModule(b.m);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->functions[0].maxStackValues, 2u);
  EXPECT_EQ(r->functions[0].maxStackSlots, 4u);
  EXPECT_EQ(r->functions[0].maxControlDepth, 2u);
}

TEST(Validator, TypeMismatchReportsInstructionOffset) {
  Builder b;
  uint32_t t = b.type({}, {I32});
  Bytes body = cat({i32c(1), i64c(2), {kI32Add}});
  uint32_t addAt = uint32_t(body.size() - 1);
  b.func(t, body);
  auto r = validateModule(b.m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "type mismatch");
  EXPECT_EQ(r.error().offset, b.bodyOffset(0) + addAt);
}

TEST(Validator, ResultArityAndLeftovers) {
  Builder b;
  uint32_t t = b.type({}, {I32});
  b.func(t, {});  // missing result
  EXPECT_EQ(errorOf(b.m), "type mismatch");

  Builder c;
  uint32_t u = c.type({}, {});
  c.func(u, i32c(1));  // value left on the stack
  EXPECT_EQ(errorOf(c.m), "type mismatch");
}

TEST(Validator, Locals) {
  Builder b;
  uint32_t t = b.type({I32}, {I64});
  b.func(t, {kLocalGet, 2, kLocalGet, 1, kDrop}, {{1, I32}, {1, I64}});
  EXPECT_VALID(b.m);

  Builder c;
  uint32_t u = c.type({I32}, {});
  c.func(u, {kLocalGet, 3, kDrop}, {{2, I64}});
  EXPECT_EQ(errorOf(c.m), "unknown local 3");

  Builder d;
  uint32_t v = d.type({I32}, {});
  d.func(v, cat({i64c(0), {kLocalSet, 0}}));
  EXPECT_EQ(errorOf(d.m), "type mismatch");

  Builder e;  // local.tee keeps the value
  uint32_t w = e.type({}, {F32});
  e.func(w, cat({f32c(), {kLocalTee, 0}}), {{1, F32}});
  EXPECT_VALID(e.m);
}

TEST(Validator, UnreachableMakesStackPolymorphic) {
  Builder b;
  uint32_t t = b.type({}, {I32});
  b.func(t, {kUnreachable, kI32Add});                                  // operands from nowhere
  b.func(t, {kUnreachable, kSelect});                                  // select of two unknowns
  b.func(t, {kBlock, kI32, kUnreachable, kEnd});                       // block result from nowhere
  b.func(t, cat({{kLoop, kEmptyBlock, kBr, 0, kEnd, kUnreachable}}));  // code after br
  b.func(t, cat({i32c(0), {kReturn, kDrop, kDrop, kI32Add}}));         // code after return
  EXPECT_VALID(b.m);

  Builder c;  // but known operands still have to match
  uint32_t u = c.type({}, {I32});
  c.func(u, cat({{kUnreachable}, i64c(0), {kI32Add}}));
  EXPECT_EQ(errorOf(c.m), "type mismatch");

  Builder d;  // and a reachable block cannot pop past its start
  uint32_t v = d.type({}, {});
  d.func(v, cat({i32c(0), {kBlock, kEmptyBlock, kDrop, kEnd, kDrop}}));
  EXPECT_EQ(errorOf(d.m), "type mismatch");
}

TEST(Validator, MultiValueBlocksWithParams) {
  Builder b;
  uint32_t t = b.type({}, {I32});
  uint32_t bt = b.type({I32, I32}, {I32});
  b.func(t, cat({i32c(1), i32c(2), {kBlock, uint8_t(bt), kI32Add, kEnd}}));
  b.func(t, cat({i32c(1), i32c(2), {kLoop, uint8_t(bt), kI32Add, kEnd}}));
  b.func(t, cat({i32c(1), i32c(2), i32c(1), {kIf, uint8_t(bt), kI32Add, kElse, kDrop, kEnd}}));
  EXPECT_VALID(b.m);

  Builder c;
  uint32_t u = c.type({}, {I32});
  c.func(u, {kBlock, 7, kUnreachable, kEnd});
  EXPECT_EQ(errorOf(c.m), "unknown type 7");
}

TEST(Validator, IfWithoutElseNeedsMatchingParamsAndResults) {
  Builder b;
  uint32_t t = b.type({}, {I32});
  b.func(t, cat({i32c(1), {kIf, kI32}, i32c(1), {kEnd}}));
  EXPECT_EQ(errorOf(b.m), "type mismatch");

  Builder c;  // an unreachable then-branch does not make the missing else valid
  uint32_t u = c.type({}, {I32});
  c.func(u, cat({i32c(1), {kIf, kI32, kUnreachable, kEnd}}));
  EXPECT_EQ(errorOf(c.m), "type mismatch");

  Builder d;  // [i32] -> [i32] without else passes the parameter through
  uint32_t v = d.type({}, {I32});
  uint32_t bt = d.type({I32}, {I32});
  d.func(v, cat({i32c(5), i32c(1), {kIf, uint8_t(bt), kEnd}}));
  EXPECT_VALID(d.m);
}

TEST(Validator, Branches) {
  Builder b;
  uint32_t t = b.type({}, {I32});
  b.func(t, {kBlock, kEmptyBlock, kBr, 2, kEnd, kUnreachable});
  EXPECT_EQ(errorOf(b.m), "unknown label 2");

  Builder c;  // br_if passes its values through
  uint32_t u = c.type({}, {I32});
  c.func(u, cat({{kBlock, kI32}, i32c(1), i32c(0), {kBrIf, 0, kEnd}}));
  EXPECT_VALID(c.m);

  Builder d;  // br_table targets must agree on arity
  uint32_t v = d.type({}, {});
  d.func(
      v,
      cat({{kBlock, kEmptyBlock, kBlock, kI32}, i32c(0), i32c(0), {kBrTable, 1, 0, 1, kEnd, kDrop, kEnd}}));
  EXPECT_EQ(errorOf(d.m), "type mismatch");

  Builder e;  // in unreachable code targets of equal arity but different types are fine
  uint32_t w = e.type({}, {});
  e.func(w, cat({{kBlock, kF32, kBlock, kI32, kUnreachable, kBrTable, 1, 0, 1, kEnd, kDrop},
                 f32c(),
                 {kEnd, kDrop}}));
  EXPECT_VALID(e.m);

  Builder f;  // ... but not with a concrete operand
  uint32_t x = f.type({}, {});
  f.func(x, cat({{kBlock, kF32, kBlock, kI32, kUnreachable},
                 i32c(0),
                 i32c(0),
                 {kBrTable, 1, 0, 1, kEnd, kDrop},
                 f32c(),
                 {kEnd, kDrop}}));
  EXPECT_EQ(errorOf(f.m), "type mismatch");
}

TEST(Validator, CallsAndIndirectCalls) {
  Builder b;
  uint32_t t = b.type({I32}, {I64});
  uint32_t imported = b.importFunc(t);
  uint32_t v = b.type({}, {});
  b.func(v, cat({i32c(1), {kCall, uint8_t(imported), kDrop}}));
  EXPECT_VALID(b.m);
  b.func(v, {kCall, 9});
  EXPECT_EQ(errorOf(b.m), "unknown function 9");

  Builder c;
  uint32_t u = c.type({}, {});
  c.func(u, cat({i32c(0), {kCallIndirect, uint8_t(u), 0}}));
  EXPECT_EQ(errorOf(c.m), "unknown table 0");
  c.table(ValType::externref(), 1);
  EXPECT_EQ(errorOf(c.m), "type mismatch");
  c.m.tables[0].elem = ValType::funcref();
  EXPECT_VALID(c.m);
  c.func(u, cat({i32c(0), {kCallIndirect, 5, 0}}));
  EXPECT_EQ(errorOf(c.m), "unknown type 5");
}

TEST(Validator, Select) {
  Builder b;
  uint32_t t = b.type({}, {I64});
  b.func(t, cat({i64c(1), i64c(2), i32c(0), {kSelect}}));
  EXPECT_VALID(b.m);

  Builder c;
  uint32_t u = c.type({}, {I64});
  c.func(u, cat({i64c(1), i32c(2), i32c(0), {kSelect}}));
  EXPECT_EQ(errorOf(c.m), "type mismatch");

  Builder d;  // untyped select rejects references
  uint32_t v = d.type({}, {});
  d.func(v, cat({{kRefNull, kFuncRef, kRefNull, kFuncRef}, i32c(0), {kSelect, kDrop}}));
  EXPECT_EQ(errorOf(d.m), "type mismatch");

  Builder e;  // typed select accepts them
  uint32_t w = e.type({}, {});
  e.func(w, cat({{kRefNull, kFuncRef, kRefNull, kFuncRef}, i32c(0), {kSelectT, 1, kFuncRef, kDrop}}));
  EXPECT_VALID(e.m);

  Builder f;  // 2.0 allows exactly one type in a typed select
  uint32_t x = f.type({}, {});
  f.func(x, cat({i32c(0), {kSelectT, 0, kDrop}}));
  EXPECT_EQ(errorOf(f.m), "invalid result arity");
  Builder g;
  uint32_t y = g.type({}, {});
  g.func(y, cat({i32c(0), i32c(0), i32c(0), i32c(0), i32c(0), {kSelectT, 2, kI32, kI32, kDrop, kDrop}}));
  EXPECT_EQ(errorOf(g.m), "invalid result arity");
}

TEST(Validator, Globals) {
  Builder b;
  uint32_t g = b.global(I32, Mutability::Const, i32c(0));
  uint32_t t = b.type({}, {});
  b.func(t, cat({i32c(1), {kGlobalSet, uint8_t(g)}}));
  EXPECT_EQ(errorOf(b.m), "global is immutable");

  Builder c;
  uint32_t h = c.global(I32, Mutability::Var, i32c(0));
  uint32_t u = c.type({}, {});
  c.func(u, cat({i32c(1), {kGlobalSet, uint8_t(h), kGlobalGet, uint8_t(h), kDrop}}));
  EXPECT_VALID(c.m);
  c.func(u, {kGlobalGet, 4, kDrop});
  EXPECT_EQ(errorOf(c.m), "unknown global 4");
}

TEST(Validator, ConstantExpressions) {
  {
    Builder b;
    b.global(I32, Mutability::Const, cat({i32c(0), {kI32Ctz}}));
    EXPECT_EQ(errorOf(b.m), "constant expression required");
  }
  {
    Builder b;
    b.global(I32, Mutability::Const, {kNop});
    EXPECT_EQ(errorOf(b.m), "constant expression required");
  }
  {
    Builder b;
    b.global(I32, Mutability::Const, {});
    EXPECT_EQ(errorOf(b.m), "type mismatch");
  }
  {
    Builder b;
    b.global(I32, Mutability::Const, cat({i32c(0), i32c(0)}));
    EXPECT_EQ(errorOf(b.m), "type mismatch");
  }
  {
    Builder b;  // only imported globals are visible in 2.0
    b.global(I32, Mutability::Const, i32c(0));
    b.global(I32, Mutability::Const, {kGlobalGet, 0});
    EXPECT_EQ(errorOf(b.m), "unknown global 0");
  }
  {
    Builder b;
    b.importGlobal(I32, Mutability::Const);
    b.global(I32, Mutability::Const, {kGlobalGet, 0});
    EXPECT_VALID(b.m);
    b.importGlobal(I32, Mutability::Var);  // (index space order is irrelevant for this test)
    b.m.globals = {b.m.globals[0], b.m.globals[2], b.m.globals[1]};
    b.global(I32, Mutability::Const, {kGlobalGet, 1});
    EXPECT_EQ(errorOf(b.m), "constant expression required");
  }
  {
    Builder b;
    b.global(ValType::funcref(), Mutability::Const, {kRefNull, kFuncRef});
    b.global(ValType::externref(), Mutability::Const, {kRefNull, kFuncRef});
    EXPECT_EQ(errorOf(b.m), "type mismatch");
  }
}

TEST(Validator, FunctionReferencesMustBeDeclared) {
  Builder b;
  uint32_t t = b.type({}, {});
  uint32_t f = b.func(t, {kRefFunc, 0, kDrop});
  EXPECT_EQ(errorOf(b.m), "undeclared function reference");

  b.exportFunc("f", f);  // an export declares it
  auto r = validateModule(b.m);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_TRUE(r->isDeclaredFuncRef(f));

  Builder c;  // so does a global initializer
  uint32_t u = c.type({}, {});
  uint32_t g = c.func(u, {kRefFunc, 0, kDrop});
  c.global(ValType::funcref(), Mutability::Const, {kRefFunc, uint8_t(g)});
  EXPECT_VALID(c.m);

  Builder d;  // and a declarative element segment
  uint32_t v = d.type({}, {});
  uint32_t h = d.func(v, {kRefFunc, 0, kDrop});
  ElemSegment seg;
  seg.mode = SegmentMode::Declarative;
  seg.funcIndices = {h};
  d.m.elems.push_back(seg);
  EXPECT_VALID(d.m);

  Builder e;  // the start function does not
  uint32_t w = e.type({}, {});
  e.func(w, {kRefFunc, 0, kDrop});
  e.m.start = 0;
  EXPECT_EQ(errorOf(e.m), "undeclared function reference");
}

TEST(Validator, MemoriesAndLimits) {
  {
    Builder b;
    b.memory(1, 0);
    EXPECT_EQ(errorOf(b.m), "size minimum must not be greater than maximum");
  }
  {
    Builder b;
    b.memory(65537);
    EXPECT_EQ(errorOf(b.m), "memory size must be at most 65536 pages (4GiB)");
  }
  {
    Builder b;
    b.memory(0, 65537);
    EXPECT_EQ(errorOf(b.m), "memory size must be at most 65536 pages (4GiB)");
  }
  {
    Builder b;
    b.memory(0, 65536);
    EXPECT_VALID(b.m);
    b.memory(0);
    EXPECT_EQ(errorOf(b.m), "multiple memories");
  }
  {
    Builder b;
    b.table(ValType::funcref(), 2, 1);
    EXPECT_EQ(errorOf(b.m), "size minimum must not be greater than maximum");
  }
}

TEST(Validator, MemoryInstructions) {
  Builder b;
  uint32_t t = b.type({}, {I32});
  b.func(t, cat({i32c(0), {kI32Load, 2, 0}}));
  EXPECT_EQ(errorOf(b.m), "unknown memory 0");
  b.memory(1);
  EXPECT_VALID(b.m);
  b.func(t, cat({i32c(0), {kI32Load, 3, 0}}));
  EXPECT_EQ(errorOf(b.m), "alignment must not be larger than natural");

  Builder c;
  uint32_t u = c.type({}, {});
  c.memory(1);
  c.func(u, cat({i32c(0), i32c(0), {kI32Store, 2, 0, kMemorySize, 0, kDrop}}));
  EXPECT_VALID(c.m);
}

TEST(Validator, BulkMemoryNeedsDataCount) {
  Builder b;
  uint32_t t = b.type({}, {});
  b.memory(1);
  DataSegment seg;
  seg.mode = SegmentMode::Passive;
  b.m.datas.push_back(seg);
  b.func(t, {kPrefixFC, 0x09, 0});  // data.drop 0
  EXPECT_EQ(errorOf(b.m), "data count section required");
  b.m.dataCount = 1;
  EXPECT_VALID(b.m);
  b.func(t, {kPrefixFC, 0x09, 1});
  EXPECT_EQ(errorOf(b.m), "unknown data segment 1");
}

TEST(Validator, TablesAndElements) {
  Builder b;
  uint32_t t = b.type({}, {});
  b.table(ValType::funcref(), 1);
  b.table(ValType::externref(), 1);
  b.func(t, cat({i32c(0), i32c(0), i32c(0), {kPrefixFC, 0x0E, 0, 0}}));  // table.copy 0 0
  EXPECT_VALID(b.m);
  b.func(t, cat({i32c(0), i32c(0), i32c(0), {kPrefixFC, 0x0E, 0, 1}}));  // table.copy 0 1
  EXPECT_EQ(errorOf(b.m), "type mismatch");

  Builder c;
  c.table(ValType::externref(), 1);
  uint32_t u = c.type({}, {});
  uint32_t f = c.func(u, {});
  ElemSegment seg;
  seg.mode = SegmentMode::Active;
  seg.offset = c.expr(i32c(0));
  seg.funcIndices = {f};
  c.m.elems.push_back(seg);
  EXPECT_EQ(errorOf(c.m), "type mismatch");  // funcref segment into an externref table
  c.m.tables[0].elem = ValType::funcref();
  EXPECT_VALID(c.m);
  c.m.elems[0].funcIndices = {3};
  EXPECT_EQ(errorOf(c.m), "unknown function 3");
  c.m.elems[0].funcIndices = {f};
  c.m.elems[0].offset = c.expr(i64c(0));
  EXPECT_EQ(errorOf(c.m), "type mismatch");
  c.m.elems[0].offset = c.expr(i32c(0));
  c.func(u, cat({i32c(0), i32c(0), i32c(0), {kPrefixFC, 0x0C, 1, 0}}));  // table.init 1 0
  EXPECT_EQ(errorOf(c.m), "unknown elem segment 1");
}

TEST(Validator, ExportsAndStart) {
  Builder b;
  uint32_t t = b.type({}, {});
  uint32_t f = b.func(t, {});
  b.exportFunc("a", f);
  b.exportFunc("a", f);
  EXPECT_EQ(errorOf(b.m), "duplicate export name");
  b.m.exports.pop_back();
  b.m.exports.push_back(Export{"m", ExternKind::Memory, 0});
  EXPECT_EQ(errorOf(b.m), "unknown memory 0");
  b.m.exports.pop_back();

  b.m.start = f;
  EXPECT_VALID(b.m);
  b.m.start = 3;
  EXPECT_EQ(errorOf(b.m), "unknown function 3");
  uint32_t u = b.type({I32}, {});
  b.m.start = b.func(u, {});
  EXPECT_EQ(errorOf(b.m), "start function");
}

TEST(Validator, SimdLanes) {
  Builder b;
  uint32_t t = b.type({}, {I32});
  b.func(t, cat({v128c(), {kPrefixFD, 0x15, 15}}));  // i8x16.extract_lane_s 15
  EXPECT_VALID(b.m);
  b.func(t, cat({v128c(), {kPrefixFD, 0x15, 16}}));
  EXPECT_EQ(errorOf(b.m), "invalid lane index");

  Builder c;
  uint32_t u = c.type({}, {VEC});
  Bytes shuffle = {kPrefixFD, 0x0D};
  for (int i = 0; i < 16; ++i) shuffle.push_back(uint8_t(i == 3 ? 32 : i));
  c.func(u, cat({v128c(), v128c(), shuffle}));
  EXPECT_EQ(errorOf(c.m), "invalid lane index");
}

TEST(Validator, RefInstructions) {
  Builder b;
  uint32_t t = b.type({}, {I32});
  b.func(t, {kRefNull, kExternRef, kRefIsNull});
  EXPECT_VALID(b.m);
  b.func(t, cat({i32c(0), {kRefIsNull}}));
  EXPECT_EQ(errorOf(b.m), "type mismatch");
}

TEST(Validator, ElementExpressions) {
  Builder b;
  b.importGlobal(ValType::funcref(), Mutability::Const);
  b.table(ValType::funcref(), 1);
  ElemSegment seg;
  seg.mode = SegmentMode::Active;
  seg.offset = b.expr(i32c(0));
  seg.usesExprs = true;
  seg.exprs = {b.expr({kGlobalGet, 0}), b.expr({kRefNull, kFuncRef})};
  b.m.elems.push_back(seg);
  EXPECT_VALID(b.m);  // an imported immutable global is a constant

  b.m.elems[0].offset = b.expr({});  // an empty offset expression produces no i32
  EXPECT_EQ(errorOf(b.m), "type mismatch");
  b.m.elems[0].offset = b.expr(i32c(0));
  b.m.elems[0].exprs.push_back(b.expr({kRefNull, kExternRef}));
  EXPECT_EQ(errorOf(b.m), "type mismatch");
}
