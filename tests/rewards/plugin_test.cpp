// Plug-in loading with the example plug-in (examples/reward_plugin, path from CMake), and the
// errors for a missing library, a missing entry point and an ABI version mismatch.
#include "rewards/plugin.h"

#include <gtest/gtest.h>

#include <fstream>

#include "reward_test_util.h"
#include "rewards/reward_set.h"
#include "test_util.h"

#ifndef GRPO_EXAMPLE_REWARD_PLUGIN
#error "examples/reward_plugin/CMakeLists.txt defines GRPO_EXAMPLE_REWARD_PLUGIN for test_rewards"
#endif

namespace grpo::test {
namespace {

TEST(Plugin, ExamplePluginRegistersAndScores) {
  RewardRegistry registry;
  add_builtin_rewards(registry);
  load_reward_plugin(GRPO_EXAMPLE_REWARD_PLUGIN, registry, "test");
  ASSERT_TRUE(registry.contains("keyword"));
  EXPECT_NE(registry.help("keyword").find("plug-in"), std::string::npos);
  auto r = registry.make("keyword", parse_yaml_string("keyword: therefore\nscore: 0.5", "params.yaml"));
  // "therefore" occurs twice -> score 0.5, details {"count": 2}.
  auto o = score(*r, {.completion = "a, therefore b; therefore c"});
  EXPECT_EQ(o.score, 0.5);
  EXPECT_EQ(o.details["count"], 2);
  EXPECT_EQ(score(*r, {.completion = "nothing"}).score, 0.0);
}

TEST(Plugin, BadParamsAreReportedWithTheLocation) {
  RewardRegistry registry;
  load_reward_plugin(GRPO_EXAMPLE_REWARD_PLUGIN, registry, "test");
  const std::string e = error_of([&] { registry.make("keyword", parse_yaml_string("score: 1", "params.yaml")); });
  EXPECT_NE(e.find("reward 'keyword' (plug-in"), std::string::npos) << e;
  EXPECT_NE(e.find("rejected its params: params.keyword must be a non-empty string"), std::string::npos) << e;
}

TEST(Plugin, LoadedFromTheRewardsConfig) {
  TempDir dir;
  const auto path = dir.path() / "rewards.yaml";
  std::ofstream(path) << "rewards:\n  plugins: [" << GRPO_EXAMPLE_REWARD_PLUGIN << "]\n"
                      << "  functions:\n    - {name: keyword, weight: 2, params: {keyword: so}}\n";
  RewardRegistry registry;
  add_builtin_rewards(registry);
  auto cfg = load_rewards_config(path.string());
  RewardSet set(cfg.config, cfg.node, registry);
  std::vector<RewardInput> in(2);
  in[0].completion = "and so on";
  in[1].completion = "nope";
  const auto b = set.score(in);
  EXPECT_EQ(b.total, (std::vector<double>{2.0, 0.0}));  // weight 2 x score 1 (default) / 0
}

TEST(Plugin, MissingLibrary) {
  RewardRegistry registry;
  const std::string e = error_of([&] { load_reward_plugin("/nonexistent/keyword.so", registry, "rewards.yaml:3"); });
  EXPECT_NE(e.find("rewards.yaml:3: cannot load reward plug-in '/nonexistent/keyword.so'"), std::string::npos) << e;
  EXPECT_NE(e.find("HINT"), std::string::npos) << e;
}

TEST(Plugin, MissingEntryPoint) {
  RewardRegistry registry;
  // libm is a shared library without grpo's entry point.
  const std::string e = error_of([&] { load_reward_plugin("libm.so.6", registry, "rewards.yaml:3"); });
  EXPECT_NE(e.find("is not a grpo reward plug-in: it has no symbol 'grpo_reward_plugin_init'"), std::string::npos) << e;
}

TEST(Plugin, AbiVersionMismatch) {
  RewardRegistry registry;
  const std::string e = error_of([&] { load_reward_plugin(GRPO_EXAMPLE_REWARD_PLUGIN_ABI999, registry, "here"); });
  EXPECT_NE(e.find("was built for plug-in ABI version 999, but this grpo speaks version 1"), std::string::npos) << e;
  EXPECT_TRUE(registry.names().empty());  // nothing registered
}

TEST(Plugin, NameClashWithALoadedReward) {
  RewardRegistry registry;
  load_reward_plugin(GRPO_EXAMPLE_REWARD_PLUGIN, registry, "first");
  const std::string e = error_of([&] { load_reward_plugin(GRPO_EXAMPLE_REWARD_PLUGIN, registry, "second"); });
  EXPECT_NE(e.find("reward 'keyword' is registered twice"), std::string::npos) << e;
}

}  // namespace
}  // namespace grpo::test
