#include "cli/commands.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "binary/decoder.h"
#include "binary/inspect.h"
#include "engine/engine.h"
#include "engine/values.h"
#include "text/literals.h"
#include "text/wat_parser.h"
#include "validate/validator.h"
#include "wast/runner.h"

namespace wharf::cli {
namespace {

// Messages stay on one line, whatever they quote.
std::string oneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

int reportTrap(const Trap& t) {
  if (t.kind == TrapKind::Exit) return t.exitCode;  // the guest chose to exit; not an error
  std::fprintf(stderr, "wharf: trap: %s\n", oneLine(t.describe()).c_str());
  return kExitTrap;
}

// Asks for transparent huge pages under a large buffer before it is first
// touched: a 30 MB module then takes a few dozen page faults instead of
// thousands (about twice as fast to read on a busy machine).
void adviseHugePages(void* data, size_t size) {
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // only a hint
#else
  (void)data, (void)size;
#endif
}

// Reads a module file: a binary module as is (recognised by its `\0asm`
// magic), anything else as text format, encoded to binary.
Expected<std::vector<uint8_t>> readModuleBytes(const std::string& path) {
  // Plain read(2) into a buffer sized by fstat: a 30 MB module then costs a
  // few milliseconds, where a stream iterator took a byte at a time.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return makeError("cannot read " + path + ": " + std::strerror(errno));
  auto readSome = [fd](uint8_t* out, size_t n) {
    ssize_t got;
    do got = ::read(fd, out, n);
    while (got < 0 && errno == EINTR);
    return got;
  };
  std::vector<uint8_t> bytes;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    bytes.reserve(size_t(st.st_size));
    adviseHugePages(bytes.data(), bytes.capacity());
    bytes.resize(size_t(st.st_size));
  }
  size_t used = 0;
  ssize_t got = 1;
  while (used < bytes.size() && (got = readSome(bytes.data() + used, bytes.size() - used)) > 0)
    used += size_t(got);
  bytes.resize(used);
  // Whatever fstat did not announce (a pipe, a file still growing).
  uint8_t chunk[1 << 16];
  while (got > 0 && (got = readSome(chunk, sizeof chunk)) > 0) bytes.insert(bytes.end(), chunk, chunk + got);
  if (got < 0) {
    std::string message = "cannot read " + path + ": " + std::strerror(errno);
    ::close(fd);
    return makeError(std::move(message));
  }
  ::close(fd);
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), kMagic, 4) == 0) return bytes;
  return parseWatModule(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// Parses one command-line argument as a value of type `t`.
Expected<TypedValue> parseArgument(const std::string& text, ValType t, size_t index) {
  auto bad = [&](const char* why) {
    return makeError("argument " + std::to_string(index + 1) + " \"" + text + "\" " + why + " " + t.name());
  };
  TypedValue v{t, Value()};
  text::LitStatus status = text::LitStatus::Malformed;
  switch (t.kind()) {
    case ValType::I32: {
      uint64_t bits = 0;
      status = text::parseInteger(text, 32, &bits);
      v.value = Value::fromI32(static_cast<uint32_t>(bits));
      break;
    }
    case ValType::I64: {
      uint64_t bits = 0;
      status = text::parseInteger(text, 64, &bits);
      v.value = Value::fromI64(bits);
      break;
    }
    case ValType::F32: {
      uint32_t bits = 0;
      status = text::parseF32(text, &bits);
      v.value = Value::fromF32Bits(bits);
      break;
    }
    case ValType::F64: {
      uint64_t bits = 0;
      status = text::parseF64(text, &bits);
      v.value = Value::fromF64Bits(bits);
      break;
    }
    case ValType::Ref:
      if (text != "null") return bad("is not a valid");
      v.value = Value::fromRef(nullptr);
      return v;
    case ValType::V128:
    case ValType::Bottom: return bad("cannot be passed on the command line as");
  }
  if (status == text::LitStatus::OutOfRange) return bad("is out of range for");
  if (status == text::LitStatus::Malformed) return bad("is not a valid");
  return v;
}

}  // namespace

int reportError(const std::string& message) {
  std::fprintf(stderr, "wharf: error: %s\n", oneLine(message).c_str());
  return kExitError;
}

static int reportError(const Error& e) { return reportError(e.describe()); }

int runCommand(const RunCommand& cmd) {
  auto bytes = readModuleBytes(cmd.file);
  if (!bytes.ok()) return reportError(bytes.error());
  interp::CompileOptions options;
  options.meter = cmd.fuel >= 0;
  auto loaded = loadModule(std::move(bytes).value(), nullptr, options);
  if (!loaded.ok()) return reportError(loaded.error());
  if (cmd.fuel >= 0) interp::setFuel(cmd.fuel);
  const Module& module = *(*loaded)->module;
  // Plain modules only for now: nothing is provided to import.
  if (!module.imports.empty())
    return reportError("unknown import: " + module.imports[0].module + "." + module.imports[0].name);

  Store store;
  InstantiateResult inst = instantiate(store, *loaded, {});
  if (inst.status() == InstantiateResult::Status::Trap) return reportTrap(inst.trap());
  if (!inst.ok()) return reportError(inst.error());

  std::string name = cmd.invoke;
  if (name.empty()) {
    const Export* start = inst.instance()->findExport("_start");
    if (!start || start->kind != ExternKind::Func) {
      if (!cmd.args.empty())
        return reportError("arguments given but no function to call (use --invoke NAME)");
      return kExitOk;  // instantiating (and running the start function) was the whole job
    }
    name = "_start";
  }
  const Export* e = inst.instance()->findExport(name);
  if (!e || e->kind != ExternKind::Func) return reportError("no function exported as \"" + name + "\"");
  FuncInst* f = inst.instance()->funcs[e->index];

  const std::vector<ValType>& params = f->type->params;
  if (cmd.args.size() != params.size())
    return reportError("function \"" + name + "\" takes " + std::to_string(params.size()) +
                       " argument(s), got " + std::to_string(cmd.args.size()));
  std::vector<TypedValue> args;
  for (size_t i = 0; i < params.size(); ++i) {
    auto v = parseArgument(cmd.args[i], params[i], i);
    if (!v.ok()) return reportError(v.error());
    args.push_back(*v);
  }
  auto result = callFunction(f, args);
  if (!result.ok()) return reportError(result.error());
  if (!result->ok()) return reportTrap(result->trap);
  for (const TypedValue& v : result->values) std::printf("%s\n", formatValue(v).c_str());
  return kExitOk;
}

int validateCommand(const std::string& file) {
  auto bytes = readModuleBytes(file);
  if (!bytes.ok()) return reportError(bytes.error());
  auto valid = decodeAndValidate(std::move(bytes).value());
  if (!valid.ok()) return reportError(valid.error());
  return kExitOk;
}

int inspectCommand(const std::string& file) {
  auto bytes = readModuleBytes(file);
  if (!bytes.ok()) return reportError(bytes.error());
  auto module = decodeModule(std::move(bytes).value());
  if (!module.ok()) return reportError(module.error());
  std::fputs(describeModule(**module).c_str(), stdout);
  return kExitOk;
}

int wastCommand(const WastCommand& cmd) {
  uint64_t passed = 0, failed = 0;
  for (const std::string& file : cmd.files) {
    wast::FileReport report = wast::runWastFile(file);
    wast::printReport(report, std::cout, cmd.verbose);
    std::cout.flush();
    passed += report.passed;
    failed += report.failed;
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed ? kExitError : kExitOk;
}

}  // namespace wharf::cli
