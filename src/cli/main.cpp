// `wharf`: command-line parsing only; the subcommands live in commands.cpp.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"

using namespace wharf::cli;

int main(int argc, char** argv) {
  CLI::App app{"Wharf: a WebAssembly runtime", "wharf"};
  app.set_version_flag("--version", "wharf 0.1.0");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success, 1 error, 2 usage error, 3 trap.\nErrors are one line on stderr: \"wharf: "
      "error: ...\" or \"wharf: trap: ...\".");

  RunCommand run;
  CLI::App* runCmd = app.add_subcommand("run", "Instantiate a module and call a function");
  runCmd->add_option("--invoke", run.invoke, "Exported function to call (default: _start, if exported)");
  runCmd
      ->add_option("--fuel", run.fuel,
                   "Instruction budget; running out traps with \"all fuel consumed\" (default: unlimited)")
      ->check(CLI::Validator(
          [](const std::string& s) {
            return s.empty() || s[0] == '-' ? std::string("must be a non-negative integer") : std::string();
          },
          "N"));
  runCmd->add_option("FILE", run.file, "Module (.wasm binary or .wat text)")->required();
  // Everything after FILE goes to the function, even "-nan" or "-inf".
  runCmd->prefix_command();
  runCmd->footer(
      "Options go before FILE; the arguments after it are the function's parameters\n"
      "(i32/i64: decimal or 0x hex; f32/f64: decimal, hex float, inf, nan, nan:0x...;\n"
      "references: null). Results are printed one per line.");

  std::string file;
  CLI::App* validateCmd = app.add_subcommand("validate", "Check that a module is well-formed and valid");
  validateCmd->add_option("FILE", file, "Module (.wasm binary or .wat text)")->required();
  CLI::App* inspectCmd = app.add_subcommand("inspect", "Describe a module's sections, imports and exports");
  inspectCmd->add_option("FILE", file, "Module (.wasm binary or .wat text)")->required();

  WastCommand wast;
  CLI::App* wastCmd = app.add_subcommand("wast", "Run .wast spec test scripts");
  wastCmd->add_option("FILE", wast.files, "Scripts")->required();
  wastCmd->add_flag("-v,--verbose", wast.verbose, "Also list text-format error messages that differ");

  try {
    app.parse(argc, argv);
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

  if (runCmd->parsed()) {
    run.args = runCmd->remaining();
    return runCommand(run);
  }
  if (validateCmd->parsed()) return validateCommand(file);
  if (inspectCmd->parsed()) return inspectCommand(file);
  if (wastCmd->parsed()) return wastCommand(wast);
  return kExitUsage;
}
