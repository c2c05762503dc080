// The decoded module: an immutable description shared read-only by every
// instance. Function bodies and constant expressions are not turned into an
// AST; they are byte ranges into `bytes`, read in place by InstrReader.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/types.h"

namespace wharf {

// A byte range [offset, offset + size) within Module::bytes.
struct ByteRange {
  uint32_t offset = 0;
  uint32_t size = 0;
};

// A constant expression: the bytes of its instructions including the final `end`.
using ConstExpr = ByteRange;

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t funcType = 0;  // kind == Func: type index
  TableType table;        // kind == Table
  MemoryType memory;      // kind == Memory
  GlobalType global;      // kind == Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

// Runs of locals as declared: `count` locals of `type`.
struct LocalRun {
  uint32_t count = 0;
  ValType type;
};

struct Function {  // a function defined (not imported) by the module
  uint32_t typeIndex = 0;
  std::vector<LocalRun> locals;
  uint32_t numLocals = 0;  // sum of locals[*].count, parameters excluded
  ByteRange body;          // instructions after the local declarations, through the final `end`
  ByteRange code;          // the whole code entry (size prefix excluded), for diagnostics
};

struct Global {  // a global defined by the module
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t table = 0;
  ConstExpr offset;  // Active only
  ValType type = ValType::funcref();
  // Either function indices (binary forms with elemkind 0x00) or expressions.
  bool usesExprs = false;
  std::vector<uint32_t> funcIndices;
  std::vector<ConstExpr> exprs;
  uint32_t size() const { return usesExprs ? uint32_t(exprs.size()) : uint32_t(funcIndices.size()); }
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t memory = 0;
  ConstExpr offset;  // Active only
  ByteRange init;    // the data bytes
};

struct CustomSection {
  std::string name;
  ByteRange contents;  // after the name
};

enum class SectionId : uint8_t {
  Custom = 0,
  Type = 1,
  Import = 2,
  Function = 3,
  Table = 4,
  Memory = 5,
  Global = 6,
  Export = 7,
  Start = 8,
  Element = 9,
  Code = 10,
  Data = 11,
  DataCount = 12,
};

struct SectionInfo {
  SectionId id;
  ByteRange contents;  // after the size field
};

struct Module {
  std::vector<uint8_t> bytes;  // the whole binary; every ByteRange points into it

  std::vector<FuncType> types;
  std::vector<Import> imports;

  // Index spaces, imports first. funcs[i] is a type index.
  std::vector<uint32_t> funcs;
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<GlobalType> globals;
  uint32_t numImportedFuncs = 0, numImportedTables = 0, numImportedMemories = 0, numImportedGlobals = 0;

  std::vector<Function> functions;  // defined functions: funcs[numImportedFuncs + i]
  std::vector<Global> globalDefs;   // defined globals: globals[numImportedGlobals + i]
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> dataCount;
  std::vector<CustomSection> customs;
  std::vector<SectionInfo> sections;  // in file order, for `wharf inspect`

  std::string moduleName;  // from the name section
  // From the name section. Ordered, not hashed: the indices come from the
  // module, which could otherwise pick ones that share a bucket.
  std::map<uint32_t, std::string> funcNames;

  const FuncType& funcType(uint32_t funcIndex) const { return types[funcs[funcIndex]]; }
  const Function& definedFunction(uint32_t funcIndex) const {
    return functions[funcIndex - numImportedFuncs];
  }
  bool isImportedFunc(uint32_t funcIndex) const { return funcIndex < numImportedFuncs; }
  const uint8_t* data(ByteRange r) const { return bytes.data() + r.offset; }
};

}  // namespace wharf
