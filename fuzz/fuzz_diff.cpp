// Fuzz target: differential testing of the interpreter's superinstructions.
// Every input that decodes and validates is compiled three times and run
// side by side, each in its own Store:
//
//   plain    fuse off, metered: one handler per instruction (the reference)
//   fused    fuse on, metered
//   unmetered fuse on, no fuel checks (the code production runs)
//
// Fuel is charged per wasm instruction when the code is compiled (each
// instruction adds one to the check that dominates it, before any fusion is
// considered), so plain and fused code with the same fuel run out at the
// same check, with the same state, and must report the same fuel left.
// Metered code cannot show everything: a loop header there starts with its
// fuel check, so the back edge that performs the loop's first copy and
// jumps past it exists only in unmetered code. The unmetered run has no
// limit of its own; it is only made while the plain run finishes each call
// within its fuel (then the same computation finishes without fuel too;
// frames have the same layout in all three, so even "call stack exhausted"
// happens at the same depth). Once the plain run runs out of fuel, the
// unmetered one is dropped for the rest of the input.
//
// Imports are satisfied by stubs of their exact type, as in fuzz_run.cpp
// (host functions return zeros), which also log their calls and arguments.
// Exported functions are called with zero arguments, then again with values
// drawn from a hash of the input. After instantiation and after every call,
// the runs must agree on: trap or not, the trap's kind, message and
// backtrace, the results bit for bit (NaN payloads included: the runs share
// every numeric routine), fuel left (metered runs), the host calls made, and
// the complete state of the instance: every memory byte, every global, every
// table element (functions compared by index), dropped segments. Any
// difference prints both sides and traps.
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binary/decoder.h"
#include "engine/engine.h"
#include "fuzz_stubs.h"

namespace {

using wharf::fuzz::clampResources;
using wharf::fuzz::kMaxPages;

constexpr int64_t kFuelPerCall = 100000;
constexpr size_t kMaxCalls = 64;  // per round
constexpr uint32_t kMaxCallDepth = 10000;
constexpr size_t kMaxHostLog = 256;  // host calls remembered per step (all are counted)

// One of the three compilations and everything it ran.
struct Run {
  const char* name = "";
  wharf::interp::CompileOptions options;
  std::shared_ptr<const wharf::LoadedModule> loaded;
  std::unique_ptr<wharf::Store> store;
  std::vector<wharf::FuncInst*> hostFuncs;  // the import stubs, in import order
  wharf::Instance* inst = nullptr;
  bool live = true;
  // Host calls since the last comparison.
  std::vector<std::string> hostLog;
  uint64_t hostCalls = 0;

  // A reference as something comparable across stores: "null", "host K"
  // (the K-th import stub), "func N" (the instance's function N).
  std::string refName(wharf::Ref r) const {
    if (!r) return "null";
    auto* f = static_cast<wharf::FuncInst*>(r);
    for (size_t k = 0; k < hostFuncs.size(); ++k)
      if (hostFuncs[k] == f) return "host " + std::to_string(k);
    if (!f->isHost()) return "func " + std::to_string(f->funcIndex);
    return "unknown ref";
  }
  // The bits of a value of type `t` that carry meaning (the low half of an
  // i32's or f32's slot only).
  std::string valueBits(wharf::ValType t, const wharf::Value& v) const {
    char buf[64];
    switch (t.kind()) {
      case wharf::ValType::I32: std::snprintf(buf, sizeof buf, "i32:0x%08" PRIx32, v.i32); break;
      case wharf::ValType::F32: std::snprintf(buf, sizeof buf, "f32:0x%08" PRIx32, v.f32Bits()); break;
      case wharf::ValType::I64: std::snprintf(buf, sizeof buf, "i64:0x%016" PRIx64, v.i64); break;
      case wharf::ValType::F64: std::snprintf(buf, sizeof buf, "f64:0x%016" PRIx64, v.f64Bits()); break;
      case wharf::ValType::V128: {
        std::string s = "v128:0x";
        for (int i = 15; i >= 0; --i) {
          std::snprintf(buf, sizeof buf, "%02x", v.v128.bytes[i]);
          s += buf;
        }
        return s;
      }
      case wharf::ValType::Ref: return "ref:" + refName(v.ref);
      case wharf::ValType::Bottom: return "bottom";
    }
    return buf;
  }
};

// An object of exactly the import's type (zero/null contents); functions log
// their calls into `run`.
std::optional<wharf::Extern> makeStub(Run& run, size_t importIndex, const wharf::ImportType& imp) {
  std::vector<wharf::ValType> params;
  if (imp.type.kind == wharf::ExternKind::Func) params = imp.type.func.params;
  auto logCall = [&run, importIndex, params](std::span<const wharf::Value> args,
                                             std::span<wharf::Value> results) {
    if (run.hostCalls++ < kMaxHostLog) {
      std::string line = "import " + std::to_string(importIndex) + "(";
      for (size_t i = 0; i < args.size(); ++i) line += (i ? ", " : "") + run.valueBits(params[i], args[i]);
      run.hostLog.push_back(line + ")");
    }
    for (wharf::Value& r : results) r = wharf::Value{};
    return wharf::Trap{};
  };
  std::optional<wharf::Extern> x = wharf::fuzz::makeStub(*run.store, imp, logCall);
  if (x && x->kind == wharf::ExternKind::Func) run.hostFuncs.push_back(x->func);
  return x;
}

// What one step (instantiation or a call) of one run produced.
struct Outcome {
  std::string status;  // instantiation status, or empty for calls
  wharf::TrapKind trap = wharf::TrapKind::None;
  std::string trapText;
  std::vector<std::string> values;
  int64_t fuel = 0;  // left afterwards (metered runs only)
};

std::string describe(const Outcome& o) {
  std::string s = o.status;
  if (o.trap != wharf::TrapKind::None) s += (s.empty() ? "" : " ") + std::string("trap: ") + o.trapText;
  for (const std::string& v : o.values) s += " " + v;
  return s.empty() ? "ok" : s;
}

// The trap's text and its backtrace (function indices).
std::string trapText(const wharf::Trap& t) {
  std::string s = t.describe() + " [";
  for (const wharf::TraceFrame& f : t.backtrace) s += " " + std::to_string(f.funcIndex);
  return s + " ] omitted " + std::to_string(t.omittedFrames);
}

std::string g_step;  // what was being compared, for the report

[[noreturn]] void differ(const Run& a, const Run& b, const std::string& what, const std::string& sideA,
                         const std::string& sideB) {
  std::fprintf(stderr, "fuzz_diff: %s and %s differ after %s: %s\n  %-9s %s\n  %-9s %s\n", a.name, b.name,
               g_step.c_str(), what.c_str(), a.name, sideA.c_str(), b.name, sideB.c_str());
  __builtin_trap();
}

void compareOutcomes(const Run& a, const Outcome& oa, const Run& b, const Outcome& ob) {
  if (oa.status != ob.status || oa.trap != ob.trap || oa.trapText != ob.trapText || oa.values != ob.values)
    differ(a, b, "outcome", describe(oa), describe(ob));
  if (a.options.meter && b.options.meter && oa.fuel != ob.fuel)
    differ(a, b, "fuel left", std::to_string(oa.fuel), std::to_string(ob.fuel));
}

// Host calls since the last step, then everything the instance owns or imports.
void compareState(const Run& a, const Run& b) {
  if (a.hostCalls != b.hostCalls || a.hostLog != b.hostLog) {
    size_t i = 0;
    while (i < a.hostLog.size() && i < b.hostLog.size() && a.hostLog[i] == b.hostLog[i]) ++i;
    auto at = [&](const Run& r) {
      return std::to_string(r.hostCalls) + " host calls; #" + std::to_string(i) + ": " +
             (i < r.hostLog.size() ? r.hostLog[i] : "(none)");
    };
    differ(a, b, "host calls", at(a), at(b));
  }

  const wharf::Instance &ia = *a.inst, &ib = *b.inst;
  for (size_t m = 0; m < ia.memories.size(); ++m) {
    const wharf::LinearMemory &ma = *ia.memories[m], &mb = *ib.memories[m];
    std::string what = "memory " + std::to_string(m);
    if (ma.sizeBytes() != mb.sizeBytes())
      differ(a, b, what + " size", std::to_string(ma.sizePages()) + " pages",
             std::to_string(mb.sizePages()) + " pages");
    if (std::memcmp(ma.base(), mb.base(), ma.sizeBytes()) == 0) continue;
    uint64_t first = 0, last = ma.sizeBytes() - 1;
    while (ma.base()[first] == mb.base()[first]) ++first;
    while (ma.base()[last] == mb.base()[last]) --last;
    auto bytes = [&](const wharf::LinearMemory& mem) {
      std::string s;
      char buf[8];
      uint64_t end = std::min(last + 1, first + 32);
      for (uint64_t i = first; i < end; ++i) {
        std::snprintf(buf, sizeof buf, "%02x ", mem.base()[i]);
        s += buf;
      }
      return s;
    };
    differ(a, b,
           what + " bytes " + std::to_string(first) + ".." + std::to_string(last) + " (from " +
               std::to_string(first) + ")",
           bytes(ma), bytes(mb));
  }
  for (size_t g = 0; g < ia.globals.size(); ++g) {
    wharf::ValType t = ia.globals[g]->type.type;
    std::string va = a.valueBits(t, ia.globals[g]->value), vb = b.valueBits(t, ib.globals[g]->value);
    if (va != vb) differ(a, b, "global " + std::to_string(g), va, vb);
  }
  for (size_t t = 0; t < ia.tables.size(); ++t) {
    const std::vector<wharf::Ref>&ea = ia.tables[t]->elems, &eb = ib.tables[t]->elems;
    std::string what = "table " + std::to_string(t);
    if (ea.size() != eb.size())
      differ(a, b, what + " size", std::to_string(ea.size()), std::to_string(eb.size()));
    for (size_t i = 0; i < ea.size(); ++i) {
      std::string ra = a.refName(ea[i]), rb = b.refName(eb[i]);
      if (ra != rb) differ(a, b, what + " element " + std::to_string(i), ra, rb);
    }
  }
  for (size_t e = 0; e < ia.elems.size(); ++e)
    if (ia.elems[e].elems.size() != ib.elems[e].elems.size())
      differ(a, b, "elem segment " + std::to_string(e) + " size", std::to_string(ia.elems[e].elems.size()),
             std::to_string(ib.elems[e].elems.size()));
  for (size_t d = 0; d < ia.datas.size(); ++d)
    if (ia.datas[d].bytes.size() != ib.datas[d].bytes.size())
      differ(a, b, "data segment " + std::to_string(d) + " size", std::to_string(ia.datas[d].bytes.size()),
             std::to_string(ib.datas[d].bytes.size()));
}

// Deterministic argument values: splitmix64 over a hash of the input.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

// Mostly values at the edges integer and float code cares about (shift
// counts, sign and width boundaries, small addresses, NaNs, infinities),
// sometimes arbitrary bits.
wharf::TypedValue drawArg(Rng& rng, wharf::ValType t) {
  static constexpr uint64_t kInts[] = {
      0,          1,          2,          3,          7,          8,         31,
      32,         63,         64,         255,        1024,       65532,     65536,
      0x7fffffff, 0x80000000, 0xffffffff, UINT64_MAX, 1ull << 63, INT64_MAX, UINT64_MAX - 1};
  static constexpr uint32_t kF32[] = {0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x7fc00000, 0xffc00000,
                                      0x7fa00001, 0x7f800000, 0xff800000, 0x00000001, 0x7f7fffff, 0x4f000000};
  static constexpr uint64_t kF64[] = {0,
                                      0x8000000000000000,
                                      0x3ff0000000000000,
                                      0xbff8000000000000,
                                      0x7ff8000000000000,
                                      0xfff8000000000000,
                                      0x7ff4000000000001,
                                      0x7ff0000000000000,
                                      0xfff0000000000000,
                                      0x0000000000000001,
                                      0x43e0000000000000,
                                      0x41e0000000000000};
  uint64_t r = rng.next();
  bool raw = (r & 3) == 0;
  uint64_t pick = rng.next();
  wharf::TypedValue v = wharf::defaultValue(t);
  switch (t.kind()) {
    case wharf::ValType::I32:
      v.value = wharf::Value::fromI32(static_cast<uint32_t>(raw ? pick : kInts[pick % std::size(kInts)]));
      break;
    case wharf::ValType::I64:
      v.value = wharf::Value::fromI64(raw ? pick : kInts[pick % std::size(kInts)]);
      break;
    case wharf::ValType::F32:
      v.value = wharf::Value::fromF32Bits(raw ? static_cast<uint32_t>(pick) : kF32[pick % std::size(kF32)]);
      break;
    case wharf::ValType::F64:
      v.value = wharf::Value::fromF64Bits(raw ? pick : kF64[pick % std::size(kF64)]);
      break;
    case wharf::ValType::V128: {
      wharf::V128 x;
      for (unsigned i = 0; i < 16; i += 8) {
        uint64_t w = raw ? rng.next() : kInts[rng.next() % std::size(kInts)];
        std::memcpy(x.bytes.data() + i, &w, 8);
      }
      v.value = wharf::Value::fromV128(x);
      break;
    }
    default: break;  // references: null
  }
  return v;
}

Outcome outcomeOf(const Run& run, const wharf::CallResult& r, const wharf::FuncType& type) {
  Outcome o;
  o.trap = r.trap.kind;
  if (!r.ok()) o.trapText = trapText(r.trap);
  for (size_t i = 0; i < r.values.size(); ++i)
    o.values.push_back(run.valueBits(type.results[i], r.values[i].value));
  o.fuel = wharf::interp::fuelLeft();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = wharf::decodeModule(std::vector<uint8_t>(data, data + size));
  if (!decoded.ok()) return 0;
  std::shared_ptr<const wharf::Module> clamped = clampResources(**decoded);
  if (!clamped) return 0;

  // plain first: it is the reference, and whether it ran out of fuel decides
  // whether the unmetered run may go on.
  Run runs[3];
  runs[0].name = "plain";
  runs[0].options = {.meter = true, .fuse = false};
  runs[1].name = "fused";
  runs[1].options = {.meter = true, .fuse = true};
  runs[2].name = "unmetered";
  runs[2].options = {.meter = false, .fuse = true};
  Run& plain = runs[0];
  for (Run& run : runs) {
    auto loaded = wharf::loadModule(clamped, nullptr, run.options);
    if (!loaded.ok()) {
      // Compile limits do not depend on fusion.
      if (&run != &plain)
        differ(plain, run, "load", plain.loaded ? "loaded" : "rejected", loaded.error().message);
      return 0;
    }
    run.loaded = *loaded;
    run.store = std::make_unique<wharf::Store>();
  }

  wharf::interp::setMaxCallDepth(kMaxCallDepth);
  g_step = "instantiation";
  Outcome ref;
  bool instantiated = false;
  for (Run& run : runs) {
    if (!run.live) continue;
    std::vector<wharf::Extern> imports;
    std::vector<wharf::ImportType> importTypes = wharf::moduleImports(*run.loaded);
    for (size_t i = 0; i < importTypes.size(); ++i) {
      auto stub = makeStub(run, i, importTypes[i]);
      if (!stub) return 0;  // out of address space for another memory reservation
      imports.push_back(*stub);
    }
    wharf::interp::setFuel(kFuelPerCall);
    wharf::InstantiateResult result = wharf::instantiate(*run.store, run.loaded, imports);
    // Out of address space or budget: the machine's limit, not the code's.
    if (result.status() == wharf::InstantiateResult::Status::ResourceError) return 0;
    Outcome o;
    o.status = result.ok() ? "instantiated" : result.describe();
    if (result.status() == wharf::InstantiateResult::Status::Trap) {
      o.trap = result.trap().kind;
      o.trapText = trapText(result.trap());
    }
    o.fuel = wharf::interp::fuelLeft();
    if (&run == &plain) {
      ref = o;
      // Out of fuel in the start function: the unmetered run would not stop.
      if (o.trap == wharf::TrapKind::OutOfFuel) runs[2].live = false;
      instantiated = result.ok();
    } else {
      compareOutcomes(plain, ref, run, o);
    }
    run.inst = result.instance();
    if (run.inst)
      for (wharf::LinearMemory* mem : run.inst->memories) mem->setLimitPages(kMaxPages);
  }
  // (After a failed instantiation, writes to imported objects are not compared.)
  if (!instantiated) return 0;
  for (Run& run : runs)
    if (&run != &plain && run.live) compareState(plain, run);
  for (Run& run : runs) run.hostLog.clear(), run.hostCalls = 0;

  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 0x100000001b3ull;
  Rng rng{hash};
  const wharf::Module& module = *plain.inst->module;
  for (int round = 0; round < 2; ++round) {
    size_t calls = 0;
    for (const wharf::Export& e : module.exports) {
      if (e.kind != wharf::ExternKind::Func) continue;
      if (calls++ == kMaxCalls) break;
      const wharf::FuncType& type = *plain.inst->funcs[e.index]->type;
      std::vector<wharf::TypedValue> args;
      for (wharf::ValType t : type.params)
        args.push_back(round == 0 ? wharf::defaultValue(t) : drawArg(rng, t));
      g_step = "call " + std::to_string(round == 0 ? 0 : 1) + " of \"" + e.name + "\"(";
      for (size_t i = 0; i < args.size(); ++i)
        g_step += (i ? ", " : "") + plain.valueBits(args[i].type, args[i].value);
      g_step += ")";
      for (Run& run : runs) {
        if (!run.live) continue;
        wharf::interp::setFuel(kFuelPerCall);
        auto r = wharf::callFunction(run.inst->funcs[e.index], args);
        if (!r.ok()) {
          std::fprintf(stderr, "fuzz_diff: arguments rejected: %s\n", r.error().message.c_str());
          __builtin_trap();
        }
        Outcome o = outcomeOf(run, *r, type);
        if (&run == &plain) {
          ref = o;
          if (o.trap == wharf::TrapKind::OutOfFuel) runs[2].live = false;
        } else {
          compareOutcomes(plain, ref, run, o);
          compareState(plain, run);
        }
      }
      for (Run& run : runs) run.hostLog.clear(), run.hostCalls = 0;
    }
  }
  return 0;
}
