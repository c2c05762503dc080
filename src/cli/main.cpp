// `wharf`: command-line parsing only; the subcommands live in commands.cpp.
#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/image_cli.h"
#include "cli/registry_cli.h"

using namespace wharf::cli;

namespace {

// "65536", "64K", "16M", "1G" (binary units; an optional "B"/"iB").
std::optional<uint64_t> parseSize(const std::string& s) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    if (v > (UINT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + uint64_t(s[i++] - '0');
  }
  if (i == 0) return std::nullopt;
  std::string unit = s.substr(i);
  for (char& c : unit) c = char(std::toupper(static_cast<unsigned char>(c)));
  if (unit.ends_with("IB"))
    unit.resize(unit.size() - 2);
  else if (unit.size() > 1 && unit.ends_with("B"))
    unit.pop_back();
  int shift = unit.empty() || unit == "B" ? 0 : unit == "K" ? 10 : unit == "M" ? 20 : unit == "G" ? 30 : -1;
  if (shift < 0 || v > (UINT64_MAX >> shift)) return std::nullopt;
  return v << shift;
}

// "500ms", "2s", "1.5s", "1m", or plain seconds.
std::optional<double> parseDuration(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !(v > 0) || v > 1e9) return std::nullopt;
  std::string unit(end);
  double scale = unit.empty() || unit == "s" ? 1
                 : unit == "ms"              ? 1e-3
                 : unit == "m"               ? 60
                 : unit == "h"               ? 3600
                                             : -1;
  if (scale < 0) return std::nullopt;
  return v * scale;
}

// The index in argv of `wharf run`'s FILE: the first argument that is not an
// option or an option's value (or the one after "--"); 0 if there is none.
int runFileIndex(int argc, char** argv, const CLI::App& run) {
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") return i + 1 < argc ? i + 1 : 0;
    if (a.empty() || a[0] != '-' || a == "-") return i;
    if (a.find('=') != std::string_view::npos) continue;  // --name=value
    const CLI::Option* opt = run.get_option_no_throw(std::string(a));
    if (opt && opt->get_expected_min() > 0) ++i;  // its value
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Wharf: a WebAssembly runtime", "wharf"};
  app.set_version_flag("--version", "wharf 0.1.0");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success, 1 error, 2 usage error, 134 trap.\nErrors are one line on stderr: \"wharf: "
      "error: ...\" or \"wharf: trap: ...\".");

  RunCommand run;
  CLI::App* runCmd = app.add_subcommand("run", "Run a WASI program, or call an exported function");
  runCmd
      ->add_option("--invoke", run.invoke,
                   "Call this export with the ARGS as its parameters (default: _start, the WASI entry point)")
      ->type_name("NAME");
  // Preopens keep their command-line order (they become fds 3, 4, ...), so
  // both forms append to one list as they are parsed.
  auto dirOption = [&](const char* name, bool readOnly, const char* help) {
    runCmd
        ->add_option_function<std::vector<std::string>>(
            name,
            [&run, readOnly](const std::vector<std::string>& values) {
              for (const std::string& v : values) {
                size_t sep = v.find("::");
                DirGrant d{v.substr(0, sep), sep == std::string::npos ? v : v.substr(sep + 2), readOnly};
                run.dirs.push_back(d);
              }
            },
            help)
        ->trigger_on_parse()
        ->allow_extra_args(false)
        ->type_name("HOST[::GUEST]");
  };
  dirOption("--dir", false, "Grant the guest a host directory, read-write, seen as GUEST (default: HOST)");
  dirOption("--dir-ro", true, "Grant a host directory read-only");
  runCmd
      ->add_option("--env", run.env,
                   "Set a guest environment variable (NAME=VALUE; NAME alone: the host's value)")
      ->allow_extra_args(false)
      ->type_name("NAME[=VALUE]");
  runCmd->add_flag("--env-inherit", run.envInherit, "Give the guest the whole host environment");
  runCmd
      ->add_option("--pull", run.pull,
                   "For an image: pull it when the store lacks it (missing), always, or never")
      ->check(CLI::IsMember({"missing", "always", "never"}))
      ->capture_default_str();
  runCmd->add_option("--tcplisten", run.tcpListen, "Grant a listening TCP socket on ADDR:PORT")
      ->allow_extra_args(false)
      ->type_name("ADDR:PORT");
  auto nonNegative = CLI::Validator(
      [](const std::string& s) {
        return s.empty() || s[0] == '-' ? std::string("must be a non-negative integer") : std::string();
      },
      "");
  runCmd
      ->add_option("--fuel", run.limits.fuel,
                   "Instruction budget; running out traps with \"all fuel consumed\" (default: unlimited)")
      ->check(nonNegative)
      ->type_name("N");
  // An option whose text `parse` turns into a value, or fails with `expected`.
  auto parsedOption = [&](const char* name, auto parse, auto& target, const char* expected, const char* help,
                          const char* valueName) {
    runCmd
        ->add_option_function<std::string>(
            name,
            [name, parse, &target, expected](const std::string& s) {
              auto v = parse(s);
              if (!v) throw CLI::ValidationError(name, "\"" + s + "\" is not " + expected);
              target = *v;
            },
            help)
        ->type_name(valueName);
  };
  parsedOption("--max-memory", parseSize, run.limits.maxMemory, "a size (e.g. 64M, 1G, 65536)",
               "Limit linear memories, tables and interpreter stacks together to SIZE bytes (K, M, G: binary "
               "units; 0 allows none)",
               "SIZE");
  parsedOption("--timeout", parseDuration, run.limits.timeoutSeconds, "a duration (e.g. 500ms, 2s, 1m)",
               "Stop after this much wall-clock time, loading included (trap \"interrupted\", or the error "
               "\"module took too long to compile\")",
               "DURATION");
  runCmd
      ->add_option("--max-call-depth", run.limits.maxCallDepth,
                   "Limit nested guest calls (default and most: 200000)")
      ->check(CLI::Range(1u, 200000u).description(""))
      ->type_name("N");
  runCmd
      ->add_option("--max-open-files", run.limits.maxOpenFiles,
                   "Limit the guest's open descriptors (default: 1024)")
      ->check(CLI::Range(3u, 1u << 20).description(""))
      ->type_name("N");
  runCmd
      ->add_option("FILE", run.file, "Module (.wasm binary or .wat text) or image, then the guest's ARGS...")
      ->required()
      ->type_name("");
  runCmd->footer(
      "Options go before FILE. The ARGS after it are the guest's arguments (argv[1..]);\n"
      "with --invoke they are the function's parameters instead (i32/i64: decimal or 0x\n"
      "hex; f32/f64: decimal, hex float, inf, nan, nan:0x...; references: null), and its\n"
      "results are printed one per line.\n"
      "The guest sees no files, environment or network unless granted above.\n"
      "Exit status: the guest's proc_exit code; 134 if it traps (the trap and a backtrace\n"
      "are printed); 1 for an error before it runs; 2 for bad options.");

  std::string file;
  CLI::App* validateCmd = app.add_subcommand("validate", "Check that a module is well-formed and valid");
  validateCmd->add_option("FILE", file, "Module (.wasm binary or .wat text)")->required();
  CLI::App* inspectCmd = app.add_subcommand(
      "inspect", "Describe a module (sections, imports, exports) or an image (manifest, config, sizes)");
  inspectCmd->add_option("FILE", file, "Module (.wasm binary or .wat text), or an image's name or ID")
      ->required();
  addImageCommands(app);
  addRegistryCommands(app);

  WastCommand wast;
  CLI::App* wastCmd = app.add_subcommand("wast", "Run .wast spec test scripts");
  wastCmd->add_option("FILE", wast.files, "Scripts")->required();
  wastCmd->add_flag("-v,--verbose", wast.verbose, "Also list text-format error messages that differ");

  try {
    // `wharf run [OPTIONS] FILE ARGS...`: everything after FILE belongs to
    // the guest (even "--help" or "-nan"), so only what precedes it is
    // parsed here.
    int parsedArgc = argc;
    if (argc > 1 && std::string_view(argv[1]) == "run") {
      int file = runFileIndex(argc, argv, *runCmd);
      if (file > 0) {
        parsedArgc = file + 1;
        run.args.assign(argv + file + 1, argv + argc);
      }
    }
    app.parse(parsedArgc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    // CLI11 reports an unknown subcommand as a missing one; say what was wrong.
    if (argc > 1 && argv[1][0] != '-' && app.get_subcommands().empty())
      std::fprintf(stderr, "wharf: error: unknown command \"%s\" (see wharf --help)\n", argv[1]);
    else
      std::fprintf(stderr, "wharf: error: %s (see wharf --help)\n", e.what());
    return kExitUsage;
  }

  // Allocations a guest sizes are bounded or charged, and fail as values;
  // this is the last resort when the host runs out of memory anywhere else,
  // so that wharf still ends with a message rather than abort().
  try {
    if (runCmd->parsed()) return runCommand(run);
    if (validateCmd->parsed()) return validateCommand(file);
    if (inspectCmd->parsed()) return inspectCommand(file);
    if (wastCmd->parsed()) return wastCommand(wast);
    if (auto status = runImageCommands()) return *status;
    if (auto status = runRegistryCommands()) return *status;
  } catch (const std::bad_alloc&) {
    std::fflush(stdout);
    std::fputs("wharf: error: out of host memory\n", stderr);
    return kExitError;
  }
  return kExitUsage;
}
