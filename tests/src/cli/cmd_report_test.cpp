// `grpo report` end to end through the binary: default output path, --output, and a malformed
// metrics line reported as file:line with a non-zero exit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.h"

namespace grpo::test {
namespace {

// GRPO_BINARY when set; else the grpo next to this test's directory (build/tests/.. = build/).
std::string binary() {
  if (const char* v = std::getenv("GRPO_BINARY"); v != nullptr && *v != '\0') return v;
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "grpo").string();
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CmdReport, WritesReportHtml) {
  TempDir dir;
  const auto run = dir.path() / "run";
  std::filesystem::create_directories(run);
  std::ofstream(run / "metrics.jsonl") << R"({"step": 1, "time": 0, "reward": 0.5, "accuracy": 0.25})" "\n"
                                          R"({"step": 2, "time": 1, "reward": 0.75, "accuracy": 0.5})" "\n";
  std::string out;
  ASSERT_EQ(run_command(binary() + " report --run " + run.string(), &out), 0) << out;
  EXPECT_EQ(out, (run / "report.html").string() + "\n");
  const std::string html = slurp(run / "report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<title>Accuracy</title>"), std::string::npos);
  EXPECT_NE(html.find("generated "), std::string::npos);

  const auto other = dir.path() / "elsewhere.html";
  ASSERT_EQ(run_command(binary() + " report --run " + run.string() + " --output " + other.string() + " --smoothing 0", &out), 0);
  EXPECT_TRUE(std::filesystem::exists(other));
}

TEST(CmdReport, ErrorsNameFileAndLine) {
  TempDir dir;
  std::ofstream(dir.path() / "metrics.jsonl") << R"({"step": 1, "reward": 0.5})" "\n" "{\"step\": 2, \"reward\n";
  std::string out;
  EXPECT_NE(run_command(binary() + " report --run " + dir.path().string() + " 2>&1", &out), 0);
  EXPECT_NE(out.find("metrics.jsonl:2: invalid JSON"), std::string::npos) << out;
  EXPECT_NE(run_command(binary() + " report --run " + dir.path().string() + " --smoothing 1 2>&1", &out), 0);
  EXPECT_NE(out.find("--smoothing 1: must be in [0, 1)"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "report.html"));
}

}  // namespace
}  // namespace grpo::test
