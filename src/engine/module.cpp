// Loading modules and describing their imports and exports.
#include <cstdio>

#include "binary/decoder.h"
#include "engine/engine.h"
#include "validate/validator.h"

namespace wharf {

namespace {

Expected<std::shared_ptr<const LoadedModule>> finishLoading(std::shared_ptr<const Module> decoded,
                                                            LoadPhase* failedPhase,
                                                            const interp::CompileOptions& options) {
  auto code = interp::compileModule(*decoded, options);
  if (!code.ok()) {
    if (failedPhase) *failedPhase = LoadPhase::Compile;
    return code.takeError();
  }
  auto loaded = std::make_shared<LoadedModule>();
  loaded->typeIds.reserve(decoded->types.size());
  for (const FuncType& t : decoded->types) loaded->typeIds.push_back(TypeRegistry::instance().intern(t));
  loaded->module = std::move(decoded);
  loaded->code = std::move(code).value();
  return std::shared_ptr<const LoadedModule>(std::move(loaded));
}

}  // namespace

Expected<std::shared_ptr<const LoadedModule>> loadModule(std::vector<uint8_t> bytes, LoadPhase* failedPhase,
                                                         const interp::CompileOptions& options) {
  if (!failedPhase) {
    // Nobody asks which step failed: read every body once (and large
    // modules on two threads), as `wharf validate` does.
    auto valid = decodeAndValidate(std::move(bytes), &options.interrupt);
    if (!valid.ok()) return valid.takeError();
    return finishLoading(std::move(valid->module), nullptr, options);
  }
  auto decoded = decodeModule(std::move(bytes), DecodeOptions{.interrupt = &options.interrupt});
  if (!decoded.ok()) {
    if (failedPhase) *failedPhase = LoadPhase::Decode;
    return decoded.takeError();
  }
  return loadModule(std::move(decoded).value(), failedPhase, options);
}

Expected<std::shared_ptr<const LoadedModule>> loadModule(std::shared_ptr<const Module> decoded,
                                                         LoadPhase* failedPhase,
                                                         const interp::CompileOptions& options) {
  auto valid = validateModule(*decoded, &options.interrupt);
  if (!valid.ok()) {
    if (failedPhase) *failedPhase = LoadPhase::Validate;
    return valid.takeError();
  }
  return finishLoading(std::move(decoded), failedPhase, options);
}

namespace {

std::string limitsToString(const Limits& l) {
  std::string s = l.indexType == IndexType::I64 ? "i64 " : "";
  s += std::to_string(l.min);
  if (l.max) s += " " + std::to_string(*l.max);
  if (l.shared) s += " shared";
  return s;
}

ExternType typeOfIndex(const Module& m, ExternKind kind, uint32_t index) {
  ExternType t;
  t.kind = kind;
  switch (kind) {
    case ExternKind::Func: t.func = m.funcType(index); break;
    case ExternKind::Table: t.table = m.tables[index]; break;
    case ExternKind::Memory: t.memory = m.memories[index]; break;
    case ExternKind::Global: t.global = m.globals[index]; break;
  }
  return t;
}

}  // namespace

std::string ExternType::toString() const {
  switch (kind) {
    case ExternKind::Func: return "func " + func.toString();
    case ExternKind::Table: return "table " + limitsToString(table.limits) + " " + table.elem.name();
    case ExternKind::Memory: return "memory " + limitsToString(memory.limits);
    case ExternKind::Global:
      return std::string("global ") +
             (global.mut == Mutability::Var ? "(mut " + global.type.name() + ")" : global.type.name());
  }
  return "?";
}

std::vector<ImportType> moduleImports(const LoadedModule& lm) {
  std::vector<ImportType> out;
  out.reserve(lm.module->imports.size());
  for (const Import& imp : lm.module->imports) {
    ImportType it{imp.module, imp.name, {}};
    it.type.kind = imp.kind;
    switch (imp.kind) {
      case ExternKind::Func: it.type.func = lm.module->types[imp.funcType]; break;
      case ExternKind::Table: it.type.table = imp.table; break;
      case ExternKind::Memory: it.type.memory = imp.memory; break;
      case ExternKind::Global: it.type.global = imp.global; break;
    }
    out.push_back(std::move(it));
  }
  return out;
}

std::vector<ExportType> moduleExports(const LoadedModule& lm) {
  std::vector<ExportType> out;
  out.reserve(lm.module->exports.size());
  for (const Export& e : lm.module->exports)
    out.push_back({e.name, typeOfIndex(*lm.module, e.kind, e.index)});
  return out;
}

ExternType externType(const Extern& x) {
  ExternType t;
  t.kind = x.kind;
  switch (x.kind) {
    case ExternKind::Func: t.func = *x.func->type; break;
    case ExternKind::Table:
      t.table = x.table->type;
      t.table.limits.min = x.table->elems.size();
      break;
    case ExternKind::Memory:
      t.memory = x.memory->type();
      t.memory.limits.min = x.memory->sizePages();
      break;
    case ExternKind::Global: t.global = x.global->type; break;
  }
  return t;
}

namespace {

// Limits subtyping: the provided object is at least as large as required and
// promises to stay within the required maximum, if there is one.
bool limitsMatch(const Limits& actual, const Limits& expected) {
  if (actual.indexType != expected.indexType || actual.shared != expected.shared) return false;
  if (actual.min < expected.min) return false;
  if (expected.max) {
    if (!actual.max || *actual.max > *expected.max) return false;
  }
  return true;
}

}  // namespace

Expected<void> matchExternType(const ExternType& actual, const ExternType& expected) {
  bool ok = actual.kind == expected.kind;
  if (ok) {
    switch (expected.kind) {
      case ExternKind::Func: ok = actual.func == expected.func; break;
      case ExternKind::Table:
        ok = actual.table.elem == expected.table.elem &&
             limitsMatch(actual.table.limits, expected.table.limits);
        break;
      case ExternKind::Memory: ok = limitsMatch(actual.memory.limits, expected.memory.limits); break;
      case ExternKind::Global:
        ok = actual.global.mut == expected.global.mut && actual.global.type == expected.global.type;
        break;
    }
  }
  if (!ok) return makeError("incompatible import type");
  return {};
}

}  // namespace wharf
