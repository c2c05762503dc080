#include <gtest/gtest.h>
#include <stdlib.h>

#include "host/guest.h"
#include "text/wat_parser.h"

using namespace wharf;

namespace {

std::vector<uint8_t> wat(const char* text) {
  auto bytes = parseWatModule(text, /*withNames=*/true);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().describe());
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

host::GuestSpec specFor(const char* text) {
  host::GuestSpec spec;
  spec.modulePath = "test.wasm";
  spec.moduleBytes = wat(text);
  return spec;
}

}  // namespace

TEST(HostGuest, ExitStatusIsTheGuestsProcExitCode) {
  auto spec = specFor(R"((module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") (call $exit (i32.const 7)))))");
  EXPECT_EQ(host::runGuest(spec), 7);
}

TEST(HostGuest, TrapIs134AndUnknownImportIsAnError) {
  EXPECT_EQ(host::runGuest(specFor(R"((module (func (export "_start") unreachable)))")), host::kExitTrap);
  EXPECT_EQ(host::runGuest(specFor(R"((module (import "env" "f" (func)) (func (export "_start"))))")),
            host::kExitError);
}

TEST(HostGuest, MemoryLimitIsNamedByTheCaller) {
  auto spec = specFor(R"((module (memory 2) (func (export "_start"))))");
  spec.limits.maxMemory = 65536;
  spec.limitNames.memory = "the container's memory limit";
  testing::internal::CaptureStderr();
  EXPECT_EQ(host::runGuest(spec), host::kExitError);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("(the container's memory limit)"), std::string::npos) << err;
}

TEST(HostGuest, InvokePassesParametersAndPrintsResults) {
  auto spec = specFor(R"((module (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))))");
  spec.invoke = "add";
  spec.args = {"40", "2"};
  testing::internal::CaptureStdout();
  EXPECT_EQ(host::runGuest(spec), host::kExitOk);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "42\n");
  spec.args = {"x", "2"};
  EXPECT_EQ(host::runGuest(spec), host::kExitError);
}

TEST(HostGuest, ComposeEnvironmentReplacesAndReadsTheHost) {
  ::setenv("WHARF_HOST_TEST_VAR", "from-host", 1);
  ::unsetenv("WHARF_HOST_TEST_UNSET");
  auto env =
      host::composeEnvironment({"A=1", "B=2", "A=3", "WHARF_HOST_TEST_VAR", "WHARF_HOST_TEST_UNSET"}, false);
  EXPECT_EQ(env, (std::vector<std::string>{"B=2", "A=3", "WHARF_HOST_TEST_VAR=from-host"}));
  auto all = host::composeEnvironment({"WHARF_HOST_TEST_VAR=mine"}, true);
  EXPECT_EQ(std::count(all.begin(), all.end(), "WHARF_HOST_TEST_VAR=mine"), 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), "WHARF_HOST_TEST_VAR=from-host"), 0);
}
