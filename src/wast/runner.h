// The spec testsuite runner: executes .wast scripts (text/wast_script.h)
// against the engine and counts what passes.
//
// Counting: every command counts once, as passed or failed, module and
// register commands and bare actions included; nothing is skipped. A failed
// command leaves one Failure with what the script expected and what happened.
//
// Error messages of rejected modules are compared the spec runner's way: the
// expected text must be a prefix of ours.
//  - assert_invalid, and assert_malformed on a binary module: a different
//    message is a failure (these are the spec's exact wordings).
//  - assert_malformed on a text module (`module quote`, or text the parser
//    rejects): the module must be rejected before validation; the wording is
//    not required to match, because text-format error wording differs
//    between implementations. Mismatches are still counted (and listed) as
//    `messageMismatches` so they stay visible.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "text/wast_script.h"

namespace wharf::wast {

struct Failure {
  uint32_t line = 0;
  std::string expected;  // what the script expected
  std::string actual;    // what happened
};

struct FileReport {
  std::string file;
  uint32_t passed = 0;
  uint32_t failed = 0;
  std::vector<Failure> failures;
  // Text-format assert_malformed that were rejected with other wording
  // (passed, but listed here).
  std::vector<Failure> messageMismatches;
};

struct RunOptions {
  std::ostream* printTo = nullptr;  // where spectest.print* write; nowhere if null
};

// Runs an already parsed script; `file` names it in the report.
FileReport runScript(const script::Script& script, std::string_view file, const RunOptions& options = {});
// Parses and runs script text. A script-level syntax error is one failure.
FileReport runWastText(std::string_view text, std::string_view file, const RunOptions& options = {});
// Reads and runs a file. An unreadable file is one failure.
FileReport runWastFile(const std::string& path, const RunOptions& options = {});

// Writes `FILE: N passed, N failed`, then one `FILE:LINE: expected / actual`
// line per failure, then, if there are any, a line counting the message
// mismatches (listed too when `listMismatches`).
void printReport(const FileReport& report, std::ostream& out, bool listMismatches = false);

}  // namespace wharf::wast
