// `grpo sample` end to end on a tiny random model: the kept lines are exactly the completions (from
// `grpo generate` with the same flags) that pass the keep expression as computed here, deduplicated
// and capped best-first; the written rewards agree with `grpo reward` re-scoring the output.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "cli_run.h"

namespace grpo {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// vowel: 1 when the completion holds an ASCII vowel; space: 1 when it starts with whitespace.
const char* kRewards = R"(rewards:
  functions:
    - name: regex
      label: vowel
      params: {rules: [{pattern: '[aeiouAEIOU]', match_score: 1.0}]}
    - name: regex
      label: space
      weight: 0.5
      params: {rules: [{pattern: '^\s', match_score: 1.0}]}
)";

const char* kSampling = "--template '{prompt}' --device cpu --temperature 1 --top-k 2 --max-new-tokens 2 --seed 5";

struct Expected {
  size_t prompt;
  std::string text;
  double vowel, space, total;
};

TEST(CmdSample, KeepsExactlyThePassingSamplesDedupedAndCapped) {
  test::TempDir dir;
  const fs::path model = test::tiny_qwen_model(dir.path() / "m");
  const std::vector<Json> rows = {{{"prompt", "Tell me a story."}, {"answer", "a"}, {"id", 10}},
                                  {{"prompt", "What is 2+2?"}, {"answer", "4"}, {"id", 11}},
                                  {{"prompt", "Say hello"}, {"answer", "hi"}, {"id", 12}}};
  test::write_lines(dir.path() / "p.jsonl", rows);
  std::ofstream(dir.path() / "rewards.yaml") << kRewards;
  test::grpo_run("generate --model " + model.string() + " --prompts " + (dir.path() / "p.jsonl").string() + " " +
                 kSampling + " --n 8 --output " + (dir.path() / "g.jsonl").string());
  const std::string counts = test::grpo_run(
      "sample --model " + model.string() + " --data " + (dir.path() / "p.jsonl").string() + " --rewards " +
      (dir.path() / "rewards.yaml").string() + " " + kSampling +
      " --n 8 --keep 'vowel == 1 || tokens < 2' --max-per-prompt 2 --output " + (dir.path() / "sft.jsonl").string());

  // The expectation, from generate's output: keep when a vowel appears (or under 2 tokens);
  // per prompt rank by total = vowel + 0.5 * space (desc), then sample index; drop repeated texts; cap 2.
  std::vector<std::vector<std::tuple<double, int64_t, std::string, double, double>>> passed(rows.size());
  int64_t generated = 0, pass = 0, duplicates = 0, capped = 0, empty_prompts = 0;
  for (const auto& g : test::read_lines(dir.path() / "g.jsonl")) {
    generated++;
    const std::string text = g["text"];
    const double vowel = std::regex_search(text, std::regex("[aeiouAEIOU]")) ? 1 : 0;
    const double space = !text.empty() && std::string(" \t\n\r\f").find(text[0]) != std::string::npos ? 1 : 0;
    if (!(vowel == 1 || g["ids"].size() < 2)) continue;
    pass++;
    passed[g["prompt_index"].get<size_t>()].emplace_back(-(vowel + 0.5 * space), g["sample_index"].get<int64_t>(), text,
                                                          vowel, space);
  }
  std::vector<Expected> expected;
  for (size_t p = 0; p < rows.size(); ++p) {
    std::sort(passed[p].begin(), passed[p].end());  // (-total, sample): best first, ties by sample index
    std::set<std::string> seen;
    int kept = 0;
    for (const auto& [neg_total, sample, text, vowel, space] : passed[p]) {
      if (!seen.insert(text).second) duplicates++;
      else if (kept == 2) capped++;
      else {
        expected.push_back({p, text, vowel, space, -neg_total});
        kept++;
      }
    }
    empty_prompts += kept == 0 ? 1 : 0;
  }
  // The data must exercise every branch, else this test proves little.
  ASSERT_GT(duplicates, 0);
  ASSERT_GT(capped, 0);
  ASSERT_LT(pass, generated);
  ASSERT_FALSE(expected.empty());

  const auto sft = test::read_lines(dir.path() / "sft.jsonl");
  ASSERT_EQ(sft.size(), expected.size()) << counts;
  for (size_t i = 0; i < sft.size(); ++i) {
    const Expected& e = expected[i];
    EXPECT_EQ(sft[i]["completion"], e.text) << i;
    EXPECT_EQ(sft[i]["prompt"], rows[e.prompt]["prompt"]) << i;  // the row's prompt, untemplated
    EXPECT_EQ(sft[i]["id"], rows[e.prompt]["id"]) << i;          // every row field survives
    EXPECT_EQ(sft[i]["answer"], rows[e.prompt]["answer"]) << i;
    EXPECT_DOUBLE_EQ(sft[i]["rewards"]["vowel"].get<double>(), e.vowel) << i;
    EXPECT_DOUBLE_EQ(sft[i]["rewards"]["space"].get<double>(), e.space) << i;
    EXPECT_DOUBLE_EQ(sft[i]["reward"].get<double>(), e.total) << i;
  }
  auto count_line = [&](const std::string& name, int64_t n) {
    EXPECT_TRUE(std::regex_search(counts, std::regex(name + " +" + std::to_string(n) + "\\b"))) << name << " " << n << "\n" << counts;
  };
  count_line("passed --keep", pass);
  count_line("duplicates dropped", duplicates);
  count_line("capped", capped);
  count_line("written", static_cast<int64_t>(expected.size()));
  count_line("prompts with 0 kept", empty_prompts);
  EXPECT_NE(counts.find(std::to_string(generated) + " generated"), std::string::npos) << counts;

  // `grpo reward` re-scores the written lines (each line is its own dataset row) to the same totals.
  const std::string rescored = test::grpo_run("reward --config " + (dir.path() / "rewards.yaml").string() + " --input " +
                                              (dir.path() / "sft.jsonl").string());
  std::istringstream lines(rescored);
  size_t i = 0;
  for (std::string line; std::getline(lines, line); ++i)
    EXPECT_DOUBLE_EQ(Json::parse(line)["total"].get<double>(), sft.at(i)["reward"].get<double>()) << i;
  EXPECT_EQ(i, sft.size());
}

TEST(CmdSample, BadKeepExpressionNamesTheColumnAndTheLabels) {
  test::TempDir dir;
  test::write_lines(dir.path() / "p.jsonl", {{{"prompt", "x"}}});
  std::ofstream(dir.path() / "rewards.yaml") << kRewards;
  // Fails before the model is loaded: the model path need not exist.
  const std::string out = test::grpo_run("sample --model " + (dir.path() / "none").string() + " --data " +
                                             (dir.path() / "p.jsonl").string() + " --rewards " +
                                             (dir.path() / "rewards.yaml").string() + " --keep 'vowel >= 1 && vowl > 0'",
                                         true, true);
  EXPECT_NE(out.find("--keep: column 15: unknown name 'vowl'. Valid names: reward, tokens, finish_reason, vowel, space"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace grpo
