// RewardSet: weighted totals, per-function means and error counts, config errors with file:line,
// parallel scoring equal to serial scoring, and a loud failure on a non-finite score.
#include "rewards/reward_set.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "reward_test_util.h"
#include "src/config/config.h"
#include "test_util.h"

namespace grpo::test {
namespace {

struct Built {
  LoadedRewardsConfig cfg;
  std::unique_ptr<RewardSet> set;
};

Built build(const std::string& yaml, RewardRegistry& registry) {
  TempDir dir;
  const auto path = dir.path() / "rewards.yaml";
  std::ofstream(path) << yaml;
  Built b;
  b.cfg = load_rewards_config(path.string());
  b.set = std::make_unique<RewardSet>(b.cfg.config, b.cfg.node, registry);
  return b;
}

std::string config_error(const std::string& yaml) {
  TempDir dir;
  const auto path = dir.path() / "rewards.yaml";
  std::ofstream(path) << yaml;
  RewardRegistry registry;
  add_builtin_rewards(registry);
  return error_of([&] {
    auto cfg = load_rewards_config(path.string());
    RewardSet set(cfg.config, cfg.node, registry);
  });
}

TEST(RewardSet, WeightedTotalMeansAndErrors) {
  RewardRegistry registry;
  add_builtin_rewards(registry);
  auto b = build(
      "rewards:\n"
      "  threads: 3\n"
      "  functions:\n"
      "    - {name: format, weight: 0.5}\n"
      "    - {name: countdown, weight: 2.0}\n",
      registry);
  EXPECT_EQ(b.set->labels(), (std::vector<std::string>{"format", "countdown"}));
  EXPECT_EQ(b.set->find_role(RewardRole::kAccuracy), std::optional<size_t>(1));
  EXPECT_EQ(b.set->find_role(RewardRole::kFormat), std::optional<size_t>(0));
  const Json task = {{"nums", {3, 5, 7}}, {"target", 22}};
  const Json broken = {{"target", 22}};
  const std::string ok = "<think>t</think><answer>3*5+7</answer>";     // format 1, countdown 1
  const std::string wrong = "<think>t</think><answer>3+5+7</answer>";  // format 1, countdown 0.1
  const std::string bare = "3*5+7";                                    // format 0, countdown 0
  std::vector<RewardInput> in = {{"", ok, 10, "stop", &task}, {"", wrong, 10, "stop", &task},
                                 {"", bare, 10, "stop", &task}, {"", ok, 10, "stop", &broken}};
  const RewardBatch r = b.set->score(in);
  // totals: 0.5*1 + 2*1 = 2.5; 0.5*1 + 2*0.1 = 0.7; 0; 0.5*1 + 2*0 (data error) = 0.5.
  EXPECT_DOUBLE_EQ(r.total[0], 2.5);
  EXPECT_DOUBLE_EQ(r.total[1], 0.7);
  EXPECT_DOUBLE_EQ(r.total[2], 0.0);
  EXPECT_DOUBLE_EQ(r.total[3], 0.5);
  // means: format (1+1+0+1)/4 = 0.75; countdown (1+0.1+0+0)/4 = 0.275.
  EXPECT_DOUBLE_EQ(r.mean[0], 0.75);
  EXPECT_DOUBLE_EQ(r.mean[1], 0.275);
  EXPECT_EQ(r.errors, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(r.details[1][1]["reason"], "wrong_value");
}

TEST(RewardSet, ParallelEqualsSerial) {
  RewardRegistry registry;
  add_builtin_rewards(registry);
  auto serial = build("rewards: {threads: 1, functions: [{name: repetition, params: {ngram_size: 1}}]}", registry);
  auto parallel = build("rewards: {threads: 8, functions: [{name: repetition, params: {ngram_size: 1}}]}", registry);
  std::vector<std::string> texts;
  for (int i = 0; i < 500; ++i) texts.push_back("w" + std::to_string(i % 7) + " w" + std::to_string(i % 3) + " w1");
  std::vector<RewardInput> in(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) in[i].completion = texts[i];
  const auto a = serial.set->score(in), b = parallel.set->score(in);
  EXPECT_EQ(a.total, b.total);
  // Sample 0: "w0 w0 w1" -> unique 2 of 3 -> -(1/3).
  EXPECT_DOUBLE_EQ(a.total[0], -1.0 / 3.0);
}

TEST(RewardSet, ConfigErrorsNameFileLineAndKey) {
  const std::string unknown = config_error("rewards:\n  functions:\n    - name: formatt\n");
  EXPECT_NE(unknown.find("rewards.yaml:3: unknown reward 'formatt'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("did you mean 'format'"), std::string::npos) << unknown;
  const std::string bad_param = config_error("rewards:\n  functions:\n    - name: format\n      params: {mode: loose}\n");
  EXPECT_NE(bad_param.find("rewards.yaml:4: rewards.functions[0].params.mode: must be 'strict' or 'lenient'"),
            std::string::npos) << bad_param;
  const std::string typo = config_error("rewards:\n  functions:\n    - {name: format, wieght: 2}\n");
  EXPECT_NE(typo.find("rewards.functions[0].wieght: unknown key"), std::string::npos) << typo;
  EXPECT_NE(typo.find("did you mean 'weight'"), std::string::npos) << typo;
  const std::string dup = config_error("rewards:\n  functions: [{name: format}, {name: format}]\n");
  EXPECT_NE(dup.find("share the label 'format'"), std::string::npos) << dup;
  const std::string none = config_error("other: 1\n");
  EXPECT_NE(none.find("rewards: missing section"), std::string::npos) << none;
  const std::string wrong_type = config_error("rewards:\n  functions:\n    - {name: format, weight: heavy}\n");
  EXPECT_NE(wrong_type.find("rewards.yaml:3: rewards.functions[0].weight: expected float, got 'heavy'"),
            std::string::npos) << wrong_type;
}

TEST(RewardSet, LabelsAllowTheSameRewardTwice) {
  RewardRegistry registry;
  add_builtin_rewards(registry);
  auto b = build("rewards:\n  functions:\n    - {name: format}\n    - {name: format, label: format_lenient, "
                 "params: {mode: lenient}}\n", registry);
  std::vector<RewardInput> in(1);
  in[0].completion = "so <think>a</think><answer>1</answer>";
  const auto r = b.set->score(in);
  EXPECT_EQ(r.scores[0][0], 0.0);  // strict: text before the think block
  EXPECT_EQ(r.scores[1][0], 1.0);  // lenient
}

class NanReward final : public Reward {
 public:
  RewardOutput score(const RewardInput&) const override { return {std::nan(""), Json::object()}; }
};

TEST(RewardSet, NonFiniteScoreFailsLoudly) {
  RewardRegistry registry;
  registry.add("nan", [](const ConfigNode&) { return std::make_unique<NanReward>(); });
  auto b = build("rewards: {functions: [{name: nan}]}", registry);
  std::vector<RewardInput> in(2);
  const std::string e = error_of([&] { b.set->score(in); });
  EXPECT_NE(e.find("reward 'nan' returned a non-finite score"), std::string::npos) << e;
}

TEST(RewardSet, EveryRewardsConfigInConfigsLoads) {
  // Every configs/rewards_*.yaml reads and validates; those without plug-ins also build.
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "configs")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("rewards_", 0) != 0) continue;
    ++seen;
    SCOPED_TRACE(name);
    auto cfg = load_rewards_config(entry.path().string());
    if (!cfg.config.plugins.empty()) continue;
    RewardRegistry registry;
    add_builtin_rewards(registry);
    EXPECT_NO_THROW(RewardSet(cfg.config, cfg.node, registry));
  }
  EXPECT_GE(seen, 5);
}

TEST(RewardSet, BuiltFromACodeConfig) {
  RewardRegistry registry;
  add_builtin_rewards(registry);
  RewardsConfig config;
  config.functions.push_back({.name = "tag_count", .label = "", .weight = 4.0, .params = ConfigNode{}});
  RewardSet set(config, registry);
  std::vector<RewardInput> in(1);
  in[0].completion = "<think>\nx\n</think>\n<answer>\n7\n</answer>";
  EXPECT_DOUBLE_EQ(set.score(in).total[0], 4.0);  // 4 markers x 0.25, weight 4
}

}  // namespace
}  // namespace grpo::test
