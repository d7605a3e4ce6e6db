// `grpo train` configs: every GRPO recipe in configs/ loads and validates; bad values, unknown keys and
// wrong types are errors naming file:line and the dotted key; command-line overrides apply.
#include "trainer/grpo_config.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

#include "src/config/config.h"
#include "src/util/fs.h"
#include "tests/test_util.h"

namespace grpo {
namespace {

std::string write(const test::TempDir& dir, const std::string& text) {
  const auto path = (dir.path() / "cfg.yaml").string();
  std::ofstream(path) << text;
  return path;
}

// A valid minimal config; line numbers below count from here (line 1 = "model:").
const char* kMinimal =
    "model:\n"                                   // 1
    "  path: m\n"                                // 2
    "data:\n"                                    // 3
    "  path: d.jsonl\n"                          // 4
    "rollout:\n"                                 // 5
    "  batch_size: 32\n"                         // 6
    "  num_generations: 8\n"                     // 7
    "run:\n"                                     // 8
    "  output_dir: out\n"                        // 9
    "rewards:\n"                                 // 10
    "  functions: [{name: format}]\n";           // 11

TEST(GrpoConfig, EveryGrpoRecipeInConfigsLoads) {
  int recipes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "configs")) {
    if (entry.path().extension() != ".yaml") continue;
    if (!YAML::LoadFile(entry.path().string())["rollout"]) continue;  // not a GRPO recipe (rewards-only, SFT, ...)
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(load_grpo_config(entry.path().string()));
    ++recipes;
  }
  EXPECT_GE(recipes, 4);  // r1_zero 7b, countdown 3b, dr_grpo, dapo (+ the tiny CPU demo)
}

TEST(GrpoConfig, DocsConfigMdListsEveryKey) {
  const std::string doc = read_file((test::source_dir() / "docs" / "config.md").string());
  EXPECT_NE(doc.find(config_reference_markdown(describe_config<GrpoConfig>())), std::string::npos)
      << "docs/config.md is stale: run tools/gen_config_doc.sh";
}

TEST(GrpoConfig, PaperValuesOfTheR1ZeroRecipe) {
  const auto cfg = load_grpo_config((test::source_dir() / "configs" / "r1_zero_qwen2.5_7b.yaml").string()).config;
  EXPECT_DOUBLE_EQ(cfg.optim.lr, 3e-6);
  EXPECT_DOUBLE_EQ(cfg.algorithm.beta, 0.001);
  EXPECT_EQ(cfg.rollout.num_generations, 16);
  EXPECT_EQ(cfg.rollout.prompts_per_step(), 32);
  EXPECT_DOUBLE_EQ(cfg.rollout.temperature, 1.0);
  EXPECT_EQ(cfg.algorithm.ref_refresh_steps, 400);
  EXPECT_EQ(cfg.data.prompt_template, "r1_zero");
}

TEST(GrpoConfig, BatchNotDivisibleByGroupNamesKeyAndLine) {
  test::TempDir dir;
  const auto path = write(dir, kMinimal);
  const auto msg = test::error_of([&] { load_grpo_config(path, {"rollout.batch_size=30"}); });
  EXPECT_NE(msg.find("rollout.batch_size"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a multiple of num_generations = 8"), std::string::npos) << msg;
}

TEST(GrpoConfig, UnknownKeyAndWrongTypeNameFileLine) {
  test::TempDir dir;
  std::string text = kMinimal;
  text.replace(text.find("  num_generations: 8"), 20, "  num_generation: 8");  // typo on line 7
  text += "optim:\n  lr: fast\n";                                              // wrong type on line 13
  const auto path = write(dir, text);
  const auto msg = test::error_of([&] { load_grpo_config(path); });
  EXPECT_NE(msg.find(path + ":7"), std::string::npos) << msg;
  EXPECT_NE(msg.find("rollout.num_generation"), std::string::npos) << msg;
  EXPECT_NE(msg.find(path + ":13: optim.lr: expected float, got 'fast'"), std::string::npos) << msg;
}

TEST(GrpoConfig, ImpossibleValuesAreReportedTogether) {
  test::TempDir dir;
  const auto path = write(dir, kMinimal);
  const auto msg = test::error_of([&] {
    load_grpo_config(path, {"rollout.num_generations=1", "rollout.batch_size=1", "algorithm.loss_type=mean",
                            "algorithm.ref_refresh_steps=400", "optim.lr=0"});
  });
  for (const char* key : {"rollout.num_generations", "algorithm.loss_type", "algorithm.ref_refresh_steps", "optim.lr"})
    EXPECT_NE(msg.find(key), std::string::npos) << key << " missing from: " << msg;
}

TEST(GrpoConfig, OverridesApplyAndDefaultsFill) {
  test::TempDir dir;
  const auto cfg = load_grpo_config(write(dir, kMinimal), {"optim.lr=2e-6", "algorithm.epsilon_high=0.28"}).config;
  EXPECT_DOUBLE_EQ(cfg.optim.lr, 2e-6);
  EXPECT_DOUBLE_EQ(cfg.algorithm.epsilon_high, 0.28);
  EXPECT_EQ(cfg.rollout.prompts_per_step(), 4);
  EXPECT_EQ(cfg.algorithm.loss_type, "dapo");  // TRL's default
  EXPECT_EQ(cfg.run.keep_last, 2);
}

}  // namespace
}  // namespace grpo
