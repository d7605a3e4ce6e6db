// The typed config reader: defaults, types, unknown keys with hints, overrides, validation
// messages that name file:line and the dotted key, dump round trip, reference rows.
#include "src/config/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

struct ClipSection {
  float eps_low = 0.2f;
  float eps_high = 0.2f;
  template <class V> void visit(V& v) {
    v(eps_low, "eps_low", "lower clip");
    v(eps_high, "eps_high", "upper clip");
  }
  void validate(ConfigCheck& c) const {
    c.require(eps_low >= 0 && eps_low < 1, "eps_low", "must be in [0, 1)");
  }
};

struct RewardItem {
  std::string name;
  double weight = 1.0;
  ConfigNode params;
  template <class V> void visit(V& v) {
    v(name, "name", "registry name");
    v(weight, "weight", "weight in the sum");
    v(params, "params", "module options");
  }
};

struct TrainerSection {
  int group_size = 16;
  int prompts_per_step = 32;
  bool use_ref = true;
  std::string loss_type = "grpo";
  ClipSection clip;
  std::vector<RewardItem> rewards;
  std::vector<int> stop_ids;
  template <class V> void visit(V& v) {
    v(group_size, "group_size", "G");
    v(prompts_per_step, "prompts_per_step", "B");
    v(use_ref, "use_ref", "load a reference model");
    v(loss_type, "loss_type", "aggregation");
    v(clip, "clip", "clipping");
    v(rewards, "rewards", "reward list");
    v(stop_ids, "stop_ids", "stop token ids");
  }
  void validate(ConfigCheck& c) const {
    c.require(group_size >= 2, "group_size", "must be >= 2 (a group needs a baseline)");
  }
};

struct Root {
  TrainerSection trainer;
  template <class V> void visit(V& v) { v(trainer, "trainer", "trainer settings"); }
};

std::string write_file(const test::TempDir& dir, const std::string& text) {
  const auto path = (dir.path() / "c.yaml").string();
  std::ofstream(path) << text;
  return path;
}

using test::error_of;

TEST(Config, DefaultsAndValues) {
  test::TempDir dir;
  const auto file = write_file(dir,
                               "trainer:\n  group_size: 8\n  clip: {eps_high: 0.28}\n  stop_ids: [1, 2]\n"
                               "  rewards:\n    - name: format\n      params: {strict: true}\n");
  const Root r = load_config<Root>(file);
  EXPECT_EQ(r.trainer.group_size, 8);
  EXPECT_EQ(r.trainer.prompts_per_step, 32);  // default kept
  EXPECT_FLOAT_EQ(r.trainer.clip.eps_high, 0.28f);
  EXPECT_FLOAT_EQ(r.trainer.clip.eps_low, 0.2f);
  EXPECT_EQ(r.trainer.stop_ids, (std::vector<int>{1, 2}));
  ASSERT_EQ(r.trainer.rewards.size(), 1u);
  EXPECT_EQ(r.trainer.rewards[0].name, "format");
  EXPECT_TRUE(r.trainer.rewards[0].params.node["strict"].as<bool>());
  EXPECT_EQ(r.trainer.rewards[0].params.path, "trainer.rewards[0].params");
}

TEST(Config, WrongTypeNamesFileLineAndKey) {
  test::TempDir dir;
  const auto file = write_file(dir, "trainer:\n  group_size: 1.5\n  use_ref: maybe\n");
  const std::string msg = error_of([&] { load_config<Root>(file); });
  EXPECT_NE(msg.find(file + ":2: trainer.group_size: expected int, got '1.5'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(file + ":3: trainer.use_ref: expected bool, got 'maybe'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("has 2 errors"), std::string::npos) << msg;
}

TEST(Config, UnknownKeySuggestsClosest) {
  test::TempDir dir;
  const auto file = write_file(dir, "trainer:\n  clip:\n    eps_hihg: 0.3\n");
  const std::string msg = error_of([&] { load_config<Root>(file); });
  EXPECT_NE(msg.find(file + ":3: trainer.clip.eps_hihg: unknown key. HINT: did you mean 'eps_high'?"),
            std::string::npos)
      << msg;
}

TEST(Config, ValidationNamesTheLineOfTheKey) {
  test::TempDir dir;
  const auto file = write_file(dir, "# comment\ntrainer:\n  group_size: 1\n  clip: {eps_low: 1.5}\n");
  const std::string msg = error_of([&] { load_config<Root>(file); });
  EXPECT_NE(msg.find(file + ":3: trainer.group_size: must be >= 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find(file + ":4: trainer.clip.eps_low: must be in [0, 1)"), std::string::npos) << msg;
}

TEST(Config, OverridesWinAndCreateSections) {
  test::TempDir dir;
  const auto file = write_file(dir, "trainer:\n  group_size: 8\n");
  const Root r = load_config<Root>(file, {"trainer.group_size=4", "trainer.clip.eps_high=0.28", "trainer.loss_type=dapo"});
  EXPECT_EQ(r.trainer.group_size, 4);
  EXPECT_FLOAT_EQ(r.trainer.clip.eps_high, 0.28f);
  EXPECT_EQ(r.trainer.loss_type, "dapo");
  const std::string msg = error_of([&] { load_config<Root>(file, {"trainer.nope=1"}); });
  EXPECT_NE(msg.find("<command line>: trainer.nope: unknown key"), std::string::npos) << msg;
  EXPECT_NE(error_of([&] { load_config<Root>(file, {"trainer.group_size"}); }).find("not key=value"), std::string::npos);
}

TEST(Config, SyntaxErrorAndMissingFile) {
  test::TempDir dir;
  const auto file = write_file(dir, "trainer:\n  group_size: [1, 2\n");
  EXPECT_NE(error_of([&] { load_config<Root>(file); }).find("YAML syntax error"), std::string::npos);
  EXPECT_NE(error_of([&] { load_config<Root>((dir.path() / "none.yaml").string()); }).find("cannot open config file"),
            std::string::npos);
}

TEST(Config, DumpRoundTrips) {
  Root r;
  r.trainer.group_size = 5;
  r.trainer.stop_ids = {7};
  test::TempDir dir;
  const auto file = write_file(dir, dump_config(r));
  const Root back = load_config<Root>(file);
  EXPECT_EQ(back.trainer.group_size, 5);
  EXPECT_EQ(back.trainer.stop_ids, (std::vector<int>{7}));
  EXPECT_EQ(dump_config(back), dump_config(r));
}

TEST(Config, ReferenceListsEveryLeafWithDefaults) {
  const auto rows = describe_config<Root>();
  auto find = [&](const std::string& key) {
    for (const auto& row : rows)
      if (row.key == key) return row;
    return ConfigFieldDoc{};
  };
  EXPECT_EQ(find("trainer.clip.eps_low").default_value, "0.2");
  EXPECT_EQ(find("trainer.group_size").type, "int");
  EXPECT_EQ(find("trainer.rewards[].weight").default_value, "1");
  EXPECT_NE(config_reference_markdown(rows).find("| `trainer.loss_type` | string | `grpo` | aggregation |"),
            std::string::npos);
}

TEST(Config, ClosestName) {
  EXPECT_EQ(closest_name("lrr", {"lr", "beta"}), "lr");
  EXPECT_EQ(closest_name("zzzzzz", {"lr", "beta"}), "");
}

}  // namespace
}  // namespace grpo
