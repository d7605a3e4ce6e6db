// `grpo eval` end to end on a tiny random model. The expectations are recomputed here from `grpo
// generate`'s completions (same seed, template and sampling flags give the same completions): which
// prompts' gold answers equal what the model says decides pass@1 and maj@k, counted independently.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "cli_run.h"

namespace grpo {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

const char* kRewards = R"(rewards:
  functions:
    - {name: exact_match, params: {part: completion, answer_field: answer}}
    - {name: format}
)";

const std::vector<std::string> kPrompts = {"What is 1+1?", "Name a colour.", "Count to three."};

// texts[p][s] of `grpo generate` on kPrompts with `flags`.
std::vector<std::vector<std::string>> generated(const fs::path& dir, const fs::path& model, const std::string& flags,
                                                std::vector<size_t>* lengths = nullptr) {
  std::vector<Json> rows;
  for (const auto& p : kPrompts) rows.push_back({{"prompt", p}});
  test::write_lines(dir / "p.jsonl", rows);
  test::grpo_run("generate --model " + model.string() + " --prompts " + (dir / "p.jsonl").string() +
                 " --template '{prompt}' --device cpu " + flags + " --output " + (dir / "g.jsonl").string());
  std::vector<std::vector<std::string>> texts(kPrompts.size());
  for (const auto& line : test::read_lines(dir / "g.jsonl")) {
    texts[line["prompt_index"].get<size_t>()].push_back(line["text"].get<std::string>());
    if (lengths) lengths->push_back(line["ids"].size());
  }
  return texts;
}

// Eval rows: prompt p's gold answer is golds[p].
void write_eval_data(const fs::path& dir, const std::vector<std::string>& golds) {
  std::vector<Json> rows;
  for (size_t p = 0; p < kPrompts.size(); ++p) rows.push_back({{"prompt", kPrompts[p]}, {"answer", golds[p]}, {"id", p}});
  test::write_lines(dir / "eval.jsonl", rows);
  std::ofstream(dir / "rewards.yaml") << kRewards;
}

std::string eval_cmd(const fs::path& dir, const fs::path& model, const std::string& flags) {
  return "eval --model " + model.string() + " --data " + (dir / "eval.jsonl").string() + " --rewards " +
         (dir / "rewards.yaml").string() + " --template '{prompt}' --device cpu " + flags;
}

TEST(CmdEval, GreedyScoresWhatTheModelSays) {
  test::TempDir dir;
  const fs::path model = test::tiny_qwen_model(dir.path() / "checkpoint-7");
  std::vector<size_t> lengths;
  const auto texts = generated(dir.path(), model, "--greedy --n 1 --max-new-tokens 4", &lengths);
  for (const auto& t : texts) ASSERT_FALSE(test::squash(t[0]).empty()) << "a blank greedy answer cannot vote";
  // Prompts 0 and 2 are asked for exactly what the model answers, prompt 1 for something else:
  // pass@1 = maj@1 = exact_match mean = 2/3. No completion has the <think>/<answer> format: 0.
  write_eval_data(dir.path(), {texts[0][0], "no such answer", texts[2][0]});
  const fs::path report = dir.path() / "run" / "eval" / "base.json";
  const std::string table = test::grpo_run(eval_cmd(dir.path(), model,
                                                    "--k 1 --temperature 0 --max-new-tokens 4 --output " + report.string() +
                                                        " --samples " + (dir.path() / "s.jsonl").string()));
  const Json r = Json::parse(read_file(report.string()));
  EXPECT_EQ(r["label"], "base");  // the --output file's stem
  EXPECT_EQ(r["step"], 7);        // from the checkpoint-7 directory name
  EXPECT_EQ(r["k"], 1);
  EXPECT_EQ(r["num_prompts"], 3);
  EXPECT_DOUBLE_EQ(r["temperature"].get<double>(), 0.0);
  EXPECT_EQ(r["max_new_tokens"], 4);
  EXPECT_NEAR(r["pass@1"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(r["maj@k"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(r["rewards"]["exact_match"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(r["format_rate"].get<double>(), 0.0);
  EXPECT_NEAR(r["reward"].get<double>(), 2.0 / 3, 1e-12);  // weights 1 and 1, format 0
  EXPECT_NEAR(r["mean_response_tokens"].get<double>(), (lengths[0] + lengths[1] + lengths[2]) / 3.0, 1e-12);
  EXPECT_EQ(r["accuracy_reward"], "exact_match");
  EXPECT_NE(table.find("pass@1"), std::string::npos) << table;
  EXPECT_NE(table.find("0.6667"), std::string::npos) << table;
  const auto samples = test::read_lines(dir.path() / "s.jsonl");
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0]["correct"], true);
  EXPECT_EQ(samples[1]["correct"], false);
  EXPECT_EQ(samples[2]["correct"], true);
  EXPECT_EQ(samples[1]["completion"], texts[1][0]);
}

// C(n, k) for small n.
double choose(int n, int k) {
  if (k < 0 || k > n) return 0;
  double c = 1;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c;
}

TEST(CmdEval, SampledPassAtKAndMajorityMatchAnIndependentCount) {
  test::TempDir dir;
  const fs::path model = test::tiny_qwen_model(dir.path() / "m");
  // One token from the top 3: answers repeat within a prompt, so the vote has something to count.
  const std::string sampling = "--temperature 1 --top-k 3 --max-new-tokens 1 --seed 3";
  const auto texts = generated(dir.path(), model, sampling + " --n 4");
  write_eval_data(dir.path(), {texts[0][1], texts[1][0], "never said"});
  const fs::path report = dir.path() / "e.json";
  test::grpo_run(eval_cmd(dir.path(), model, sampling + " --k 4 --label sampled --output " + report.string()));
  const Json r = Json::parse(read_file(report.string()));

  const std::vector<std::string> golds = {texts[0][1], texts[1][0], "never said"};
  double pass1 = 0, pass2 = 0, pass4 = 0, maj = 0;
  bool some_repeat = false;
  for (size_t p = 0; p < 3; ++p) {
    int c = 0;
    std::map<std::string, int> count, first;
    for (int s = 0; s < 4; ++s) {
      const std::string a = test::squash(texts[p][static_cast<size_t>(s)]);
      c += a == test::squash(golds[p]) ? 1 : 0;
      if (a.empty()) continue;  // abstains
      if (count[a]++ == 0) first[a] = s;
      some_repeat |= count[a] > 1;
    }
    std::string winner;
    for (const auto& [a, n] : count)
      if (winner.empty() || n > count[winner] || (n == count[winner] && first[a] < first[winner])) winner = a;
    pass1 += c / 4.0;
    pass2 += 1 - choose(4 - c, 2) / choose(4, 2);
    pass4 += c > 0 ? 1 : 0;
    maj += !winner.empty() && winner == test::squash(golds[p]) ? 1 : 0;
  }
  ASSERT_TRUE(some_repeat) << "no prompt repeated an answer: the vote is not exercised";
  EXPECT_EQ(r["label"], "sampled");
  EXPECT_TRUE(r["step"].is_null());
  EXPECT_NEAR(r["pass@1"].get<double>(), pass1 / 3, 1e-12);
  EXPECT_NEAR(r["pass@2"].get<double>(), pass2 / 3, 1e-12);
  EXPECT_NEAR(r["pass@4"].get<double>(), pass4 / 3, 1e-12);
  EXPECT_NEAR(r["maj@k"].get<double>(), maj / 3, 1e-12);
  EXPECT_NEAR(r["pass@1"].get<double>(), r["rewards"]["exact_match"].get<double>(), 1e-12);
}

TEST(CmdEval, MissingAccuracyRewardIsAnErrorWithAHint) {
  test::TempDir dir;
  test::write_lines(dir.path() / "eval.jsonl", {{{"prompt", "x"}}});
  std::ofstream(dir.path() / "rewards.yaml") << "rewards:\n  functions:\n    - {name: format}\n";
  // Fails before the model is loaded: the model path need not exist.
  const std::string out = test::grpo_run(eval_cmd(dir.path(), dir.path() / "no_model", ""), true, true);
  EXPECT_NE(out.find("no accuracy reward among the functions (format)"), std::string::npos) << out;
  EXPECT_NE(out.find("HINT: add one of accuracy_math"), std::string::npos) << out;
}

}  // namespace
}  // namespace grpo
