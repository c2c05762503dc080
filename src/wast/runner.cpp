#include "wast/runner.h"

#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "engine/engine.h"
#include "engine/values.h"
#include "wast/spectest.h"

namespace wharf::wast {
namespace {

using script::Command;
using script::ModuleSource;
using script::NanPattern;
using script::ResultPattern;

ValType toValType(script::ValueType t) {
  switch (t) {
    case script::ValueType::I32: return ValType::i32();
    case script::ValueType::I64: return ValType::i64();
    case script::ValueType::F32: return ValType::f32();
    case script::ValueType::F64: return ValType::f64();
    case script::ValueType::V128: return ValType::v128();
    case script::ValueType::FuncRef: return ValType::funcref();
    case script::ValueType::ExternRef: return ValType::externref();
  }
  return ValType::i32();
}

bool isCanonicalNan32(uint32_t bits) { return (bits & 0x7fffffffu) == 0x7fc00000u; }
bool isArithmeticNan32(uint32_t bits) { return (bits & 0x7fc00000u) == 0x7fc00000u; }
bool isCanonicalNan64(uint64_t bits) { return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull; }
bool isArithmeticNan64(uint64_t bits) { return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull; }

bool nanMatches32(NanPattern p, uint32_t bits) {
  return p == NanPattern::Canonical ? isCanonicalNan32(bits) : isArithmeticNan32(bits);
}
bool nanMatches64(NanPattern p, uint64_t bits) {
  return p == NanPattern::Canonical ? isCanonicalNan64(bits) : isArithmeticNan64(bits);
}

const char* nanName(NanPattern p) { return p == NanPattern::Canonical ? "nan:canonical" : "nan:arithmetic"; }

// The spec runner convention: our message must begin with the expected one.
bool messageMatches(std::string_view expected, std::string_view actual) {
  return actual.starts_with(expected);
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

const char* laneShapeName(script::LaneShape s) {
  switch (s) {
    case script::LaneShape::I8x16: return "i8x16";
    case script::LaneShape::I16x8: return "i16x8";
    case script::LaneShape::I32x4: return "i32x4";
    case script::LaneShape::I64x2: return "i64x2";
    case script::LaneShape::F32x4: return "f32x4";
    case script::LaneShape::F64x2: return "f64x2";
  }
  return "?";
}

class ScriptRunner {
 public:
  ScriptRunner(std::string_view file, const RunOptions& options) {
    report_.file = std::string(file);
    registry_["spectest"] = makeSpectest(store_, options.printTo);
  }

  void run(const script::Script& script) {
    for (const Command& cmd : script.commands) {
      // Errors are values in the engine, but a host-side allocation failure
      // (e.g. a huge table.grow) must cost one command, not the whole run.
      try {
        runCommand(cmd);
      } catch (const std::exception& e) {
        fail(cmd, "no internal error", std::string("internal error: ") + e.what());
      }
    }
  }

  FileReport take() { return std::move(report_); }

 private:
  // -- bookkeeping
  void pass() { ++report_.passed; }
  void fail(const Command& cmd, std::string expected, std::string actual) {
    ++report_.failed;
    report_.failures.push_back({cmd.line, std::move(expected), std::move(actual)});
  }

  // -- externref values: `(ref.extern N)` is a distinct host pointer per N
  Ref externRef(uint64_t n) {
    auto it = externByN_.find(n);
    if (it != externByN_.end()) return it->second.get();
    auto box = std::make_unique<uint64_t>(n);
    Ref r = box.get();
    externN_[r] = n;
    externByN_.emplace(n, std::move(box));
    return r;
  }
  std::optional<uint64_t> externNumber(Ref r) const {
    auto it = externN_.find(r);
    if (it == externN_.end()) return std::nullopt;
    return it->second;
  }

  TypedValue toTypedValue(const script::Value& v) {
    TypedValue t{toValType(v.type), Value()};
    switch (v.type) {
      case script::ValueType::I32: t.value = Value::fromI32(v.i32()); break;
      case script::ValueType::I64: t.value = Value::fromI64(v.i64()); break;
      case script::ValueType::F32: t.value = Value::fromF32Bits(v.f32Bits()); break;
      case script::ValueType::F64: t.value = Value::fromF64Bits(v.f64Bits()); break;
      case script::ValueType::V128: t.value = Value::fromV128(v.v128); break;
      case script::ValueType::FuncRef: t.value = Value::fromRef(nullptr); break;  // only ref.null is writable
      case script::ValueType::ExternRef:
        t.value = Value::fromRef(v.isNull ? nullptr : externRef(v.bits));
        break;
    }
    return t;
  }

  std::string formatActual(const TypedValue& v) const {
    if (v.type.isRef() && v.type.heapType() == HeapType::Extern && v.value.ref) {
      if (auto n = externNumber(v.value.ref)) return "externref:" + std::to_string(*n);
    }
    return formatTypedValue(v);
  }

  std::string formatV128Lanes(const V128& v, script::LaneShape shape,
                              const std::vector<NanPattern>* nans) const {
    std::string s = std::string("v128:") + laneShapeName(shape);
    uint32_t lanes = script::laneCount(shape);
    for (uint32_t i = 0; i < lanes; ++i) {
      s += " ";
      if (nans && i < nans->size() && (*nans)[i] != NanPattern::None) {
        s += nanName((*nans)[i]);
        continue;
      }
      switch (shape) {
        case script::LaneShape::I8x16: s += std::to_string(v.lane<int8_t>(i)); break;
        case script::LaneShape::I16x8: s += std::to_string(v.lane<int16_t>(i)); break;
        case script::LaneShape::I32x4: s += std::to_string(v.lane<int32_t>(i)); break;
        case script::LaneShape::I64x2: s += std::to_string(v.lane<int64_t>(i)); break;
        case script::LaneShape::F32x4:
          s += formatValue({ValType::f32(), Value::fromF32Bits(v.lane<uint32_t>(i))});
          break;
        case script::LaneShape::F64x2:
          s += formatValue({ValType::f64(), Value::fromF64Bits(v.lane<uint64_t>(i))});
          break;
      }
    }
    return s;
  }

  std::string formatPattern(const ResultPattern& p) {
    switch (p.kind) {
      case ResultPattern::Kind::Exact:
        if (p.type == script::ValueType::V128) return formatV128Lanes(p.value.v128, p.value.shape, nullptr);
        if (p.type == script::ValueType::ExternRef && !p.value.isNull)
          return "externref:" + std::to_string(p.value.bits);
        return formatTypedValue(toTypedValue(p.value));
      case ResultPattern::Kind::Nan: return toValType(p.type).name() + ":" + nanName(p.nan);
      case ResultPattern::Kind::V128Lanes: return formatV128Lanes(p.value.v128, p.value.shape, &p.laneNans);
      case ResultPattern::Kind::AnyFuncRef: return "ref.func";
      case ResultPattern::Kind::AnyExternRef: return "ref.extern";
      case ResultPattern::Kind::Either: {
        std::string s = "either(";
        for (size_t i = 0; i < p.alternatives.size(); ++i)
          s += (i ? " | " : "") + formatPattern(p.alternatives[i]);
        return s + ")";
      }
    }
    return "?";
  }

  bool matches(const ResultPattern& p, const TypedValue& v) {
    if (p.kind == ResultPattern::Kind::Either) {
      for (const ResultPattern& alt : p.alternatives)
        if (matches(alt, v)) return true;
      return false;
    }
    if (toValType(p.type) != v.type) return false;
    switch (p.kind) {
      case ResultPattern::Kind::Exact:
        switch (p.type) {
          case script::ValueType::I32: return v.value.i32 == p.value.i32();
          case script::ValueType::I64: return v.value.i64 == p.value.i64();
          case script::ValueType::F32: return v.value.f32Bits() == p.value.f32Bits();
          case script::ValueType::F64: return v.value.f64Bits() == p.value.f64Bits();
          case script::ValueType::V128: return v.value.v128 == p.value.v128;
          case script::ValueType::FuncRef: return p.value.isNull == (v.value.ref == nullptr);
          case script::ValueType::ExternRef:
            if (p.value.isNull) return v.value.ref == nullptr;
            return v.value.ref && externNumber(v.value.ref) == p.value.bits;
        }
        return false;
      case ResultPattern::Kind::Nan:
        if (p.type == script::ValueType::F32) return nanMatches32(p.nan, v.value.f32Bits());
        return nanMatches64(p.nan, v.value.f64Bits());
      case ResultPattern::Kind::V128Lanes: {
        const bool is32 = p.value.shape == script::LaneShape::F32x4;
        const uint32_t lanes = is32 ? 4 : 2;
        for (uint32_t i = 0; i < lanes; ++i) {
          NanPattern n = i < p.laneNans.size() ? p.laneNans[i] : NanPattern::None;
          bool ok;
          if (is32) {
            uint32_t got = v.value.v128.lane<uint32_t>(i);
            ok = n == NanPattern::None ? got == p.value.v128.lane<uint32_t>(i) : nanMatches32(n, got);
          } else {
            uint64_t got = v.value.v128.lane<uint64_t>(i);
            ok = n == NanPattern::None ? got == p.value.v128.lane<uint64_t>(i) : nanMatches64(n, got);
          }
          if (!ok) return false;
        }
        return true;
      }
      case ResultPattern::Kind::AnyFuncRef:
      case ResultPattern::Kind::AnyExternRef: return v.value.ref != nullptr;
      case ResultPattern::Kind::Either: break;
    }
    return false;
  }

  // -- modules

  struct Loaded {
    std::shared_ptr<const LoadedModule> module;
    enum class Stage : uint8_t { Ok, Parse, Decode, Validate, Compile } stage = Stage::Ok;
    Error error;
    std::string describe() const {
      switch (stage) {
        case Stage::Ok: return "module loaded";
        case Stage::Parse: return "text parse error: " + error.describe();
        case Stage::Decode: return "malformed: " + error.describe();
        case Stage::Validate: return "invalid: " + error.describe();
        case Stage::Compile: return "compile error: " + error.describe();
      }
      return "?";
    }
  };

  Loaded load(const ModuleSource& src) {
    Loaded l;
    auto bytes = script::encodeModule(src);
    if (!bytes.ok()) {
      l.stage = Loaded::Stage::Parse;
      l.error = bytes.takeError();
      return l;
    }
    LoadPhase phase = LoadPhase::Decode;
    auto lm = loadModule(std::move(bytes).value(), &phase);
    if (lm.ok()) {
      l.module = std::move(lm).value();
      return l;
    }
    l.error = lm.takeError();
    l.stage = phase == LoadPhase::Decode     ? Loaded::Stage::Decode
              : phase == LoadPhase::Validate ? Loaded::Stage::Validate
                                             : Loaded::Stage::Compile;
    return l;
  }

  // Resolves imports by (module, name) through the registry, then instantiates.
  InstantiateResult link(const std::shared_ptr<const LoadedModule>& lm) {
    std::vector<Extern> imports;
    imports.reserve(lm->module->imports.size());
    for (const Import& imp : lm->module->imports) {
      auto mod = registry_.find(imp.module);
      const Extern* x = nullptr;
      if (mod != registry_.end()) {
        auto field = mod->second.find(imp.name);
        if (field != mod->second.end()) x = &field->second;
      }
      if (!x)
        return InstantiateResult::linkError(
            makeError("unknown import " + quoted(imp.module) + " " + quoted(imp.name)));
      imports.push_back(*x);
    }
    return instantiate(store_, lm, imports);
  }

  static std::string describe(const InstantiateResult& r) {
    switch (r.status()) {
      case InstantiateResult::Status::Ok: return "instantiated";
      case InstantiateResult::Status::LinkError: return "link error: " + r.error().describe();
      case InstantiateResult::Status::ResourceError: return "resource error: " + r.error().describe();
      case InstantiateResult::Status::Trap: return "trap: " + r.trap().describe();
    }
    return "?";
  }

  Instance* instanceFor(const std::string& name) {
    if (name.empty()) return current_;
    auto it = named_.find(name);
    return it == named_.end() ? nullptr : it->second;
  }

  // -- actions

  struct ActionOutcome {
    std::optional<std::string> error;  // the action could not be performed
    Trap trap;
    std::vector<TypedValue> values;
    // `expected`, when given, lets v128 results print in the expected lane shape.
    std::string describe(const ScriptRunner& r, const std::vector<ResultPattern>* expected = nullptr) const {
      if (error) return "error: " + *error;
      if (trap.kind != TrapKind::None) return "trap " + quoted(trap.describe());
      std::string s = values.empty() ? "no results" : "";
      for (size_t i = 0; i < values.size(); ++i) {
        s += i ? ", " : "";
        const ResultPattern* p = expected && i < expected->size() ? &(*expected)[i] : nullptr;
        if (p && values[i].type.isVec() && p->type == script::ValueType::V128)
          s += r.formatV128Lanes(values[i].value.v128, p->value.shape, nullptr);
        else
          s += r.formatActual(values[i]);
      }
      return s;
    }
  };

  ActionOutcome perform(const script::Action& a) {
    ActionOutcome out;
    Instance* inst = instanceFor(a.module);
    if (!inst) {
      out.error = a.module.empty() ? "no module instantiated" : "unknown module " + a.module;
      return out;
    }
    if (a.kind == script::Action::Kind::Get) {
      auto x = instanceExport(*inst, a.field);
      if (!x || x->kind != ExternKind::Global) {
        out.error = "no global exported as " + quoted(a.field);
        return out;
      }
      out.values.push_back(globalGet(*x->global));
      return out;
    }
    std::vector<TypedValue> args;
    args.reserve(a.args.size());
    for (const script::Value& v : a.args) args.push_back(toTypedValue(v));
    auto r = invoke(*inst, a.field, args);
    if (!r.ok()) {
      out.error = r.error().describe();
      return out;
    }
    out.trap = std::move(r->trap);
    out.values = std::move(r->values);
    return out;
  }

  // -- commands

  void runCommand(const Command& cmd) {
    switch (cmd.kind) {
      case Command::Kind::Module: return runModule(cmd);
      case Command::Kind::Register: return runRegister(cmd);
      case Command::Kind::Action: return runAction(cmd);
      case Command::Kind::AssertReturn: return runAssertReturn(cmd);
      case Command::Kind::AssertTrap: return runAssertTrap(cmd);
      case Command::Kind::AssertExhaustion: return runAssertExhaustion(cmd);
      case Command::Kind::AssertMalformed: return runAssertMalformed(cmd);
      case Command::Kind::AssertInvalid: return runAssertInvalid(cmd);
      case Command::Kind::AssertUnlinkable: return runAssertUnlinkable(cmd);
      case Command::Kind::AssertUninstantiable: return runAssertUninstantiable(cmd);
    }
    fail(cmd, "a known command", "command kind not supported by the runner");
  }

  void runModule(const Command& cmd) {
    // Until it succeeds, the module is neither current nor reachable by name.
    current_ = nullptr;
    if (!cmd.module.name.empty()) named_.erase(cmd.module.name);
    Loaded l = load(cmd.module);
    if (!l.module) return fail(cmd, "module to load", l.describe());
    InstantiateResult r = link(l.module);
    if (!r.ok()) return fail(cmd, "module to instantiate", describe(r));
    current_ = r.instance();
    if (!cmd.module.name.empty()) named_[cmd.module.name] = current_;
    pass();
  }

  void runRegister(const Command& cmd) {
    Instance* inst = instanceFor(cmd.registerModule);
    if (!inst)
      return fail(
          cmd, "a module to register",
          cmd.registerModule.empty() ? "no module instantiated" : "unknown module " + cmd.registerModule);
    ExportMap exports;
    for (const Export& e : inst->module->exports) exports[e.name] = exportOf(*inst, e);
    registry_[cmd.registerAs] = std::move(exports);
    pass();
  }

  void runAction(const Command& cmd) {
    ActionOutcome o = perform(cmd.action);
    if (o.error || o.trap.kind != TrapKind::None) return fail(cmd, "success", o.describe(*this));
    pass();
  }

  void runAssertReturn(const Command& cmd) {
    ActionOutcome o = perform(cmd.action);
    std::string expected;
    for (size_t i = 0; i < cmd.expected.size(); ++i)
      expected += (i ? ", " : "") + formatPattern(cmd.expected[i]);
    if (expected.empty()) expected = "no results";
    if (o.error || o.trap.kind != TrapKind::None) return fail(cmd, expected, o.describe(*this));
    bool ok = o.values.size() == cmd.expected.size();
    for (size_t i = 0; ok && i < o.values.size(); ++i) ok = matches(cmd.expected[i], o.values[i]);
    if (!ok) return fail(cmd, expected, o.describe(*this, &cmd.expected));
    pass();
  }

  void expectTrap(const Command& cmd, const ActionOutcome& o) {
    std::string expected = "trap " + quoted(cmd.message);
    if (o.error || o.trap.kind == TrapKind::None) return fail(cmd, expected, o.describe(*this));
    if (!messageMatches(cmd.message, o.trap.describe())) return fail(cmd, expected, o.describe(*this));
    pass();
  }

  void runAssertTrap(const Command& cmd) {
    if (!cmd.hasModule) return expectTrap(cmd, perform(cmd.action));
    // A module whose instantiation traps (in a segment or the start function).
    runAssertUninstantiable(cmd);
  }

  void runAssertExhaustion(const Command& cmd) { expectTrap(cmd, perform(cmd.action)); }

  void runAssertMalformed(const Command& cmd) {
    const bool text = cmd.module.kind != ModuleSource::Kind::Binary;
    std::string expected = "malformed " + quoted(cmd.message);
    Loaded l = load(cmd.module);
    bool rejected = l.stage == Loaded::Stage::Parse || l.stage == Loaded::Stage::Decode;
    if (!rejected) return fail(cmd, expected, l.describe());
    if (messageMatches(cmd.message, l.error.message)) return pass();
    if (text) {
      // See runner.h: text wording is not required to match, only reported.
      report_.messageMismatches.push_back({cmd.line, expected, l.describe()});
      return pass();
    }
    fail(cmd, expected, l.describe());
  }

  void runAssertInvalid(const Command& cmd) {
    std::string expected = "invalid " + quoted(cmd.message);
    Loaded l = load(cmd.module);
    if (l.stage != Loaded::Stage::Validate || !messageMatches(cmd.message, l.error.message))
      return fail(cmd, expected, l.describe());
    pass();
  }

  void runAssertUnlinkable(const Command& cmd) {
    std::string expected = "link error " + quoted(cmd.message);
    Loaded l = load(cmd.module);
    if (!l.module) return fail(cmd, expected, l.describe());
    InstantiateResult r = link(l.module);
    if (r.status() != InstantiateResult::Status::LinkError || !messageMatches(cmd.message, r.error().message))
      return fail(cmd, expected, describe(r));
    pass();
  }

  void runAssertUninstantiable(const Command& cmd) {
    std::string expected = "trap " + quoted(cmd.message);
    Loaded l = load(cmd.module);
    if (!l.module) return fail(cmd, expected, l.describe());
    InstantiateResult r = link(l.module);
    if (r.status() != InstantiateResult::Status::Trap || !messageMatches(cmd.message, r.trap().describe()))
      return fail(cmd, expected, describe(r));
    pass();
  }

  FileReport report_;
  Store store_;
  std::unordered_map<std::string, ExportMap> registry_;
  std::unordered_map<std::string, Instance*> named_;
  Instance* current_ = nullptr;
  std::unordered_map<uint64_t, std::unique_ptr<uint64_t>> externByN_;
  std::unordered_map<const void*, uint64_t> externN_;
};

uint32_t lineOfOffset(std::string_view text, uint64_t offset) {
  uint32_t line = 1;
  for (uint64_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

}  // namespace

FileReport runScript(const script::Script& script, std::string_view file, const RunOptions& options) {
  ScriptRunner runner(file, options);
  runner.run(script);
  return runner.take();
}

FileReport runWastText(std::string_view text, std::string_view file, const RunOptions& options) {
  auto script = script::parseWastScript(text);
  if (!script.ok()) {
    FileReport r;
    r.file = std::string(file);
    r.failed = 1;
    const Error& e = script.error();
    r.failures.push_back({e.hasOffset() ? lineOfOffset(text, e.offset) : 0, "a script that parses",
                          "script syntax error: " + e.message});
    return r;
  }
  return runScript(*script, file, options);
}

FileReport runWastFile(const std::string& path, const RunOptions& options) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  if (in) contents << in.rdbuf();
  if (!in || in.bad()) {
    FileReport r;
    r.file = path;
    r.failed = 1;
    r.failures.push_back({0, "a readable file", std::string("cannot read: ") + std::strerror(errno)});
    return r;
  }
  return runWastText(contents.str(), path, options);
}

void printReport(const FileReport& report, std::ostream& out, bool listMismatches) {
  out << report.file << ": " << report.passed << " passed, " << report.failed << " failed\n";
  for (const Failure& f : report.failures)
    out << report.file << ":" << f.line << ": expected " << f.expected << " / got " << f.actual << "\n";
  if (!report.messageMismatches.empty()) {
    out << report.file << ": " << report.messageMismatches.size()
        << " text-format malformed modules rejected with different wording\n";
    if (listMismatches)
      for (const Failure& f : report.messageMismatches)
        out << report.file << ":" << f.line << ": note: expected " << f.expected << " / got " << f.actual
            << "\n";
  }
}

}  // namespace wharf::wast
