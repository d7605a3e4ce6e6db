// `tag_count` (open-r1): 0.25 per marker "<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>"
// present exactly once.
#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

double tags(const std::string& text) { return score(*make_reward("tag_count"), {.completion = text}).score; }

TEST(TagCount, QuarterPerMarker) {
  EXPECT_DOUBLE_EQ(tags("<think>\nx\n</think>\n<answer>\n7\n</answer>"), 1.0);
  EXPECT_DOUBLE_EQ(tags("<think>x</think><answer>7</answer>"), 0.0);  // no newlines: no marker
  // "x</think>" lacks the newline before </think>: 3 of 4 markers.
  EXPECT_DOUBLE_EQ(tags("<think>\nx</think>\n<answer>\n7\n</answer>"), 0.75);
  // "\n</answer>" twice: that marker does not count.
  EXPECT_DOUBLE_EQ(tags("<think>\nx\n</think>\n<answer>\n7\n</answer>\n</answer>"), 0.75);
  EXPECT_DOUBLE_EQ(tags(""), 0.0);
}

}  // namespace
}  // namespace grpo::test
