// RewardRegistry: names, duplicates, unknown names with the known list and a suggestion.
#include "rewards/registry.h"

#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

class ConstantReward final : public Reward {
 public:
  RewardOutput score(const RewardInput&) const override { return {0.5, Json::object()}; }
};
std::unique_ptr<Reward> make_constant(const ConfigNode&) { return std::make_unique<ConstantReward>(); }

TEST(Registry, BuiltinsAreListedSorted) {
  const auto names = builtin_registry().names();
  for (const char* n : {"choice", "cosine", "countdown", "exact_match", "format", "language_consistency", "overlong",
                        "regex", "remote", "repetition", "tag_count"})
    EXPECT_TRUE(builtin_registry().contains(n)) << n;
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_FALSE(builtin_registry().help("format").empty());
}

TEST(Registry, DuplicateNameIsAnError) {
  RewardRegistry r;
  r.add("constant", make_constant);
  const std::string e = error_of([&] { r.add("constant", make_constant); });
  EXPECT_NE(e.find("reward 'constant' is registered twice"), std::string::npos) << e;
  EXPECT_NE(e.find("HINT"), std::string::npos) << e;
}

TEST(Registry, InvalidNameIsAnError) {
  RewardRegistry r;
  EXPECT_NE(error_of([&] { r.add("Bad Name", make_constant); }).find("is not valid"), std::string::npos);
  EXPECT_NE(error_of([&] { r.add("", make_constant); }).find("is not valid"), std::string::npos);
}

TEST(Registry, UnknownNameListsKnownOnesAndTheClosest) {
  const ConfigNode params = parse_yaml_string("mode: strict", "rewards.yaml");
  const std::string e = error_of([&] { builtin_registry().make("formt", params); });
  EXPECT_NE(e.find("unknown reward 'formt'"), std::string::npos) << e;
  EXPECT_NE(e.find("Known rewards: accuracy_math, choice, cosine, countdown"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'format'?"), std::string::npos) << e;
  const std::string far = error_of([&] { builtin_registry().make("zzzzzzzz", params); });
  EXPECT_NE(far.find("load the plug-in that defines it"), std::string::npos) << far;
}

TEST(Registry, MakeBuildsAWorkingReward) {
  RewardRegistry r;
  r.add("constant", make_constant, "always 0.5");
  auto reward = r.make("constant", ConfigNode{});
  EXPECT_EQ(reward->score(RewardInput{}).score, 0.5);
  EXPECT_EQ(r.help("constant"), "always 0.5");
}

}  // namespace
}  // namespace grpo::test
