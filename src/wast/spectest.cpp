#include "wast/spectest.h"

#include "engine/values.h"

namespace wharf::wast {

ExportMap makeSpectest(Store& store, std::ostream* printTo) {
  ExportMap exports;
  auto addFunc = [&](const char* name, std::vector<ValType> params) {
    FuncType type{params, {}};
    FuncInst* f =
        store.addHostFunc(type, [printTo, name, params](std::span<const Value> args, std::span<Value>) {
          if (printTo) {
            *printTo << name << ":";
            for (size_t i = 0; i < args.size(); ++i) *printTo << " " << formatValue({params[i], args[i]});
            *printTo << "\n";
          }
          return Trap{};
        });
    exports[name] = Extern{ExternKind::Func, f, nullptr, nullptr, nullptr};
  };
  const ValType i32 = ValType::i32(), i64 = ValType::i64(), f32 = ValType::f32(), f64 = ValType::f64();
  addFunc("print", {});
  addFunc("print_i32", {i32});
  addFunc("print_i64", {i64});
  addFunc("print_f32", {f32});
  addFunc("print_f64", {f64});
  addFunc("print_i32_f32", {i32, f32});
  addFunc("print_f64_f64", {f64, f64});

  auto addGlobal = [&](const char* name, ValType type, Value v) {
    GlobalInst* g = store.addGlobal({type, Mutability::Const}, v);
    exports[name] = Extern{ExternKind::Global, nullptr, nullptr, nullptr, g};
  };
  addGlobal("global_i32", i32, Value::fromI32(666));
  addGlobal("global_i64", i64, Value::fromI64(666));
  Value vf32, vf64;
  vf32.f32 = 666.6f;
  vf64.f64 = 666.6;
  addGlobal("global_f32", f32, vf32);
  addGlobal("global_f64", f64, vf64);

  if (auto table = store.addTable(TableType{ValType::funcref(), Limits{10, 20}}, nullptr); table.ok())
    exports["table"] = Extern{ExternKind::Table, nullptr, *table, nullptr, nullptr};
  // A failed reservation leaves "memory" unresolvable; modules importing it
  // then fail to link with "unknown import", which the runner reports.
  if (LinearMemory* memory = store.addMemory(MemoryType{Limits{1, 2}}))
    exports["memory"] = Extern{ExternKind::Memory, nullptr, nullptr, memory, nullptr};
  return exports;
}

}  // namespace wharf::wast
