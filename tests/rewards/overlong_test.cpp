// `overlong` (DAPO Eq. 13) with L_max = 20, L_cache = 4, so the soft zone is (16, 20].
#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

TEST(Overlong, SoftPunishmentMatchesEquation13) {
  auto r = make_reward("overlong", "max_length: 20\ncache_length: 4");
  auto at = [&](int64_t tokens) { return score(*r, {.completion = "x", .tokens = tokens}).score; };
  EXPECT_EQ(at(0), 0.0);
  EXPECT_EQ(at(16), 0.0);     // |y| <= L_max - L_cache
  EXPECT_EQ(at(17), -0.25);   // (16 - 17) / 4
  EXPECT_EQ(at(18), -0.5);    // (16 - 18) / 4
  EXPECT_EQ(at(20), -1.0);    // (16 - 20) / 4, the end of the ramp
  EXPECT_EQ(at(21), -1.0);    // |y| > L_max
}

TEST(Overlong, UnknownLengthIsADataError) {
  auto r = make_reward("overlong", "max_length: 20\ncache_length: 4");
  auto o = score(*r, {.completion = "x"});
  EXPECT_EQ(o.score, 0.0);
  EXPECT_TRUE(o.details.contains("error"));
}

TEST(Overlong, ValidatesLengths) {
  const std::string e = error_of([] { make_reward("overlong", "max_length: 10\ncache_length: 11"); });
  EXPECT_NE(e.find("params.yaml:2: cache_length: must be in (0, max_length]"), std::string::npos) << e;
  const std::string none = error_of([] { make_reward("overlong"); });
  EXPECT_NE(none.find("max_length: must be > 0"), std::string::npos) << none;
}

}  // namespace
}  // namespace grpo::test
