// `grpo reward` end to end: one output line per input line with total, per-function scores and
// details; located errors for malformed input; --list from the registry.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.h"

namespace grpo::test {
namespace {

using Json = nlohmann::json;

// GRPO_BINARY when set; else the grpo next to this test's directory (build/tests/.. = build/).
// CTest's discovered tests currently receive only the first variable of GRPO_TEST_ENV.
std::string binary() {
  if (const char* v = std::getenv("GRPO_BINARY"); v != nullptr && *v != '\0') return v;
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "grpo").string();
}

struct Files {
  TempDir dir;
  std::string config, input;
  Files(const std::string& yaml, const std::string& jsonl) {
    config = (dir.path() / "rewards.yaml").string();
    input = (dir.path() / "samples.jsonl").string();
    std::ofstream(config) << yaml;
    std::ofstream(input) << jsonl;
  }
};

const char* kConfig =
    "rewards:\n"
    "  functions:\n"
    "    - {name: format, weight: 0.5}\n"
    "    - {name: countdown}\n"
    "    - {name: overlong, params: {max_length: 20, cache_length: 4}}\n";

TEST(CmdReward, ScoresEachLine) {
  Files f(kConfig,
          R"({"completion": "<think>x</think><answer>3*5+7</answer>", "completion_tokens": 18, "nums": [3,5,7], "target": 22})"
          "\n\n"
          R"({"prompt": "Assistant: <think>", "completion": "x</think><answer>3+5+7</answer>", "completion_tokens": 5, "row": {"nums": [3,5,7], "target": 22}})"
          "\n");
  std::string out;
  ASSERT_EQ(run_command(binary() + " reward --config " + f.config + " --input " + f.input + " 2>/dev/null", &out), 0);
  std::istringstream lines(out);
  std::string l1, l2, l3;
  std::getline(lines, l1);
  std::getline(lines, l2);
  EXPECT_FALSE(std::getline(lines, l3));  // the blank input line is skipped
  const Json a = Json::parse(l1), b = Json::parse(l2);
  // Line 1: format 1, countdown 1, overlong (16 - 18) / 4 = -0.5 -> 0.5*1 + 1 - 0.5 = 1.0.
  EXPECT_EQ(a["line"], 1);
  EXPECT_DOUBLE_EQ(a["total"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(a["scores"]["overlong"].get<double>(), -0.5);
  EXPECT_EQ(a["details"]["countdown"]["reason"], "correct");
  // Line 3 (the prompt opens <think>): format 1, countdown 0.1 (15 != 22), overlong 0 -> 0.6.
  EXPECT_EQ(b["line"], 3);
  EXPECT_DOUBLE_EQ(b["total"].get<double>(), 0.6);
  EXPECT_EQ(b["details"]["countdown"]["reason"], "wrong_value");
}

TEST(CmdReward, MalformedInputNamesFileLineAndField) {
  struct Case {
    std::string jsonl, expected;
  };
  const std::vector<Case> cases = {
      {"{\"completion\": \"ok\"}\n{\"completion\": 5}\n", "samples.jsonl:2: field 'completion': expected a string"},
      {"{\"prompt\": \"p\"}\n", "samples.jsonl:1: missing field 'completion'"},
      {"{\"completion\": \"a\", \"completion_tokens\": -3}\n", "samples.jsonl:1: field 'completion_tokens'"},
      {"{\"completion\": \"a\", \"row\": [1]}\n", "samples.jsonl:1: field 'row': expected an object"},
      {"{\"completion\": \"a\"}\n{not json\n", "samples.jsonl:2: invalid JSON"},
  };
  for (const auto& c : cases) {
    Files f(kConfig, c.jsonl);
    std::string out;
    EXPECT_NE(run_command(binary() + " reward -c " + f.config + " -i " + f.input + " 2>&1", &out), 0) << c.jsonl;
    EXPECT_NE(out.find(c.expected), std::string::npos) << out;
  }
}

TEST(CmdReward, ConfigErrorsAndList) {
  Files f("rewards:\n  functions:\n    - {name: formatt}\n", "{\"completion\": \"a\"}\n");
  std::string out;
  EXPECT_NE(run_command(binary() + " reward -c " + f.config + " -i " + f.input + " 2>&1", &out), 0);
  EXPECT_NE(out.find("rewards.yaml:3: unknown reward 'formatt'"), std::string::npos) << out;
  ASSERT_EQ(run_command(binary() + " reward --list", &out), 0);
  EXPECT_NE(out.find("countdown"), std::string::npos) << out;
  EXPECT_NE(out.find("language_consistency"), std::string::npos) << out;
}

}  // namespace
}  // namespace grpo::test
