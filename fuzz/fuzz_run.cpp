// Fuzz target: load arbitrary bytes as a module with fuel metering, satisfy
// every import with a stub of the required type, instantiate, and call each
// exported function with zero arguments. Traps are expected outcomes;
// crashes, hangs, leaks and sanitizer reports are findings.
//
// To keep each input cheap, the module's resource limits are clamped before
// loading (like an embedder's resource limiter): memories may reach at most
// kMaxPages and tables kMaxTableElems, and modules whose minimums already
// exceed that are skipped. The clamp also holds during the start function,
// which runs inside instantiate() before the harness could limit anything.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "binary/decoder.h"
#include "engine/engine.h"
#include "fuzz_check.h"
#include "fuzz_stubs.h"

namespace {

using wharf::fuzz::clampResources;
using wharf::fuzz::kMaxPages;

constexpr int64_t kFuelPerCall = 100000;
constexpr size_t kMaxCalls = 64;

// Import stubs' functions return zeros.
wharf::Trap zeroResults(std::span<const wharf::Value>, std::span<wharf::Value> results) {
  for (wharf::Value& r : results) r = wharf::Value{};
  return wharf::Trap{};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = wharf::decodeModule(std::vector<uint8_t>(data, data + size));
  if (!decoded.ok()) return 0;
  std::shared_ptr<const wharf::Module> clamped = clampResources(**decoded);
  if (!clamped) return 0;
  wharf::LoadPhase phase;
  auto loaded = wharf::loadModule(clamped, &phase, wharf::interp::CompileOptions{.meter = true});
  if (!loaded.ok()) {
    FUZZ_CHECK(!loaded.error().message.empty(), "load error without a message");
    return 0;
  }

  wharf::Store store;
  std::vector<wharf::Extern> imports;
  for (const wharf::ImportType& imp : wharf::moduleImports(**loaded)) {
    auto stub = wharf::fuzz::makeStub(store, imp, zeroResults);
    if (!stub) return 0;  // out of address space for another memory reservation
    imports.push_back(*stub);
  }

  wharf::interp::setFuel(kFuelPerCall);
  wharf::InstantiateResult result = wharf::instantiate(store, *loaded, imports);
  // A stub has exactly the import's type, so linking cannot fail.
  FUZZ_CHECK(result.status() != wharf::InstantiateResult::Status::LinkError,
             "link error with exact stubs: %s", result.describe().c_str());
  if (!result.ok()) return 0;
  wharf::Instance& inst = *result.instance();
  for (wharf::LinearMemory* mem : inst.memories) mem->setLimitPages(kMaxPages);

  size_t calls = 0;
  for (const wharf::Export& e : inst.module->exports) {
    if (e.kind != wharf::ExternKind::Func) continue;
    if (calls++ == kMaxCalls) break;
    wharf::FuncInst* f = inst.funcs[e.index];
    std::vector<wharf::TypedValue> args;
    for (wharf::ValType t : f->type->params) args.push_back(wharf::defaultValue(t));
    wharf::interp::setFuel(kFuelPerCall);
    auto r = wharf::callFunction(f, args);
    FUZZ_CHECK(r.ok(), "zero arguments rejected: %s", r.error().message.c_str());
    if (r->ok()) FUZZ_CHECK(r->values.size() == f->type->results.size(), "result count");
  }
  return 0;
}
