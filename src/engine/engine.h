// The embedding API: load a module once, instantiate it any number of times
// into a Store, call its exports, and read or modify its memories, tables and
// globals. Handles are plain pointers to the runtime objects the Store owns,
// so the standard C API (wasm.h) maps onto this one-to-one:
//
//   wasm_store_t    -> Store (runtime/instance.h)
//   wasm_module_t   -> std::shared_ptr<const LoadedModule>
//   wasm_instance_t -> Instance*
//   wasm_func_t     -> FuncInst*        wasm_table_t  -> TableInst*
//   wasm_memory_t   -> LinearMemory*    wasm_global_t -> GlobalInst*
//   wasm_extern_t   -> Extern           wasm_externtype_t -> ExternType
//   wasm_importtype_t / wasm_exporttype_t -> ImportType / ExportType
//   wasm_trap_t     -> Trap             wasm_val_t    -> TypedValue
//
// Errors are values: Expected<T> for decode/validation/link/usage errors,
// Trap for failures while running guest code.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "binary/module.h"
#include "common/expected.h"
#include "interp/interp.h"
#include "runtime/instance.h"

namespace wharf {

// ---------------------------------------------------------------------------
// Modules

// A decoded, validated and compiled module. Immutable and shared by every
// instance made from it, so instantiation does no work proportional to the
// size of the code.
struct LoadedModule {
  std::shared_ptr<const Module> module;
  std::shared_ptr<const interp::CompiledModule> code;
  std::vector<uint32_t> typeIds;  // canonical TypeRegistry id of each type index
};

// Which step of loading rejected a module: a malformed binary (Decode), an
// invalid module (Validate), or a limit of the execution tier (Compile).
enum class LoadPhase : uint8_t { Decode, Validate, Compile };

// Decodes, validates and compiles `bytes` (the module keeps them). On
// failure, `failedPhase` (if given) says which step failed.
// `options` choose how the interpreter compiles it (e.g. fuel metering) and
// when to give up (options.interrupt: a deadline or a flag; the error is then
// kLoadInterruptedMessage, in whichever phase was running).
Expected<std::shared_ptr<const LoadedModule>> loadModule(std::vector<uint8_t> bytes,
                                                         LoadPhase* failedPhase = nullptr,
                                                         const interp::CompileOptions& options = {});
inline Expected<std::shared_ptr<const LoadedModule>> loadModule(std::span<const uint8_t> bytes,
                                                                LoadPhase* failedPhase = nullptr,
                                                                const interp::CompileOptions& options = {}) {
  return loadModule(std::vector<uint8_t>(bytes.begin(), bytes.end()), failedPhase, options);
}
// Same, for a module that is already decoded.
Expected<std::shared_ptr<const LoadedModule>> loadModule(std::shared_ptr<const Module> decoded,
                                                         LoadPhase* failedPhase = nullptr,
                                                         const interp::CompileOptions& options = {});

// The type of an external value, as imports require and exports provide.
struct ExternType {
  ExternKind kind = ExternKind::Func;
  FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
  std::string toString() const;  // "func [i32] -> []", "memory 1 2", ...
};

struct ImportType {
  std::string module;
  std::string name;
  ExternType type;
};

struct ExportType {
  std::string name;
  ExternType type;
};

std::vector<ImportType> moduleImports(const LoadedModule& m);
std::vector<ExportType> moduleExports(const LoadedModule& m);

// The current type of a runtime object: tables and memories report their
// current size as the minimum, as the spec's import matching requires.
ExternType externType(const Extern& x);

// Checks that `actual` may satisfy an import of type `expected` (the spec's
// external-type matching). Fails with "incompatible import type".
Expected<void> matchExternType(const ExternType& actual, const ExternType& expected);

// ---------------------------------------------------------------------------
// Instances

class [[nodiscard]] InstantiateResult {
 public:
  enum class Status : uint8_t {
    Ok,
    LinkError,      // imports do not match (spec: "unlinkable"); nothing was run
    ResourceError,  // the store could not allocate a memory or table
    Trap,           // a segment initialisation or the start function trapped
  };

  static InstantiateResult success(Instance* inst) { return InstantiateResult(Status::Ok, inst, {}, {}); }
  static InstantiateResult linkError(Error e) {
    return InstantiateResult(Status::LinkError, nullptr, std::move(e), {});
  }
  static InstantiateResult resourceError(Error e) {
    return InstantiateResult(Status::ResourceError, nullptr, std::move(e), {});
  }
  static InstantiateResult trapped(wharf::Trap t) {
    return InstantiateResult(Status::Trap, nullptr, {}, std::move(t));
  }

  bool ok() const { return status_ == Status::Ok; }
  Status status() const { return status_; }
  Instance* instance() const { return instance_; }
  const Error& error() const { return error_; }      // LinkError, ResourceError
  const wharf::Trap& trap() const { return trap_; }  // Trap
  // One line: the error message or the trap text.
  std::string describe() const { return status_ == Status::Trap ? trap_.describe() : error_.describe(); }

 private:
  InstantiateResult(Status s, Instance* i, Error e, wharf::Trap t)
      : status_(s), instance_(i), error_(std::move(e)), trap_(std::move(t)) {}
  Status status_;
  Instance* instance_;
  Error error_;
  wharf::Trap trap_;
};

// Instantiates `m` in `store`. `imports` satisfy the module's imports in
// order (moduleImports(m)); resolving import names is the caller's business.
// On a trap, writes that segment initialisation made to imported tables and
// memories before the trap remain, as the spec requires.
InstantiateResult instantiate(Store& store, const std::shared_ptr<const LoadedModule>& m,
                              std::span<const Extern> imports);

std::optional<Extern> instanceExport(Instance& inst, std::string_view name);
// Every export, in the module's export order (wasm_instance_exports).
std::vector<Extern> instanceExports(Instance& inst);

// ---------------------------------------------------------------------------
// Functions

struct CallResult {
  wharf::Trap trap;  // kind None on success
  std::vector<TypedValue> values;
  bool ok() const { return trap.kind == TrapKind::None; }
};

// Calls `f` after checking the arguments against its type (an Error if they
// do not match).
Expected<CallResult> callFunction(FuncInst* f, std::span<const TypedValue> args);
// Calls the function exported as `name`.
Expected<CallResult> invoke(Instance& inst, std::string_view name, std::span<const TypedValue> args);

// ---------------------------------------------------------------------------
// Globals, tables, memories

TypedValue globalGet(const GlobalInst& g);
// Fails with "immutable global" or "type mismatch".
Expected<void> globalSet(GlobalInst& g, const TypedValue& v);

uint64_t tableSize(const TableInst& t);
std::optional<Ref> tableGet(const TableInst& t, uint64_t index);  // nullopt: out of bounds
bool tableSet(TableInst& t, uint64_t index, Ref r);               // false: out of bounds
int64_t tableGrow(TableInst& t, uint64_t delta, Ref init);        // old size, or -1

std::span<uint8_t> memoryData(LinearMemory& m);
int64_t memoryGrow(LinearMemory& m, uint64_t deltaPages);  // old size in pages, or -1
// Bounds-checked copies between host buffers and linear memory.
bool memoryRead(const LinearMemory& m, uint64_t addr, std::span<uint8_t> out);
bool memoryWrite(LinearMemory& m, uint64_t addr, std::span<const uint8_t> in);

// ---------------------------------------------------------------------------
// Values

// The zero value of a type (null for references), as used for locals.
TypedValue defaultValue(ValType t);

}  // namespace wharf
