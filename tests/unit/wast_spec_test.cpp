// Every script of the WebAssembly 2.0 spec testsuite, one test each: all of
// its commands must pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "wast/runner.h"

namespace {

const std::string kSuiteDir = std::string(WHARF_TESTSUITE_DIR) + "/2.0";

std::vector<std::string> suiteFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kSuiteDir, ec))
    if (entry.path().extension() == ".wast") files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  if (files.empty()) files.push_back("");  // one test that skips loudly
  return files;
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.empty() ? "missing_testsuite" : info.param.substr(0, info.param.size() - 5);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

class WastSpec : public ::testing::TestWithParam<std::string> {};

TEST_P(WastSpec, AllCommandsPass) {
  if (GetParam().empty()) GTEST_SKIP() << "no .wast files in " << kSuiteDir;
  wharf::wast::FileReport report = wharf::wast::runWastFile(kSuiteDir + "/" + GetParam());
  // Keep the output readable when a whole file fails.
  constexpr size_t kShown = 20;
  if (report.failures.size() > kShown) report.failures.resize(kShown);
  std::ostringstream text;
  wharf::wast::printReport(report, text, true);
  EXPECT_EQ(report.failed, 0u) << text.str();
  EXPECT_GT(report.passed, 0u) << text.str();
}

INSTANTIATE_TEST_SUITE_P(Testsuite2_0, WastSpec, ::testing::ValuesIn(suiteFiles()), testName);

}  // namespace
