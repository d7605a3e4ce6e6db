// `exact_match`: normalised string equality between the answer part and a row field.
#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

TEST(ExactMatch, TrimsCollapsesAndOptionallyFoldsCase) {
  auto r = make_reward("exact_match");
  const Json row = {{"answer", "New York"}};
  EXPECT_EQ(score(*r, {.completion = "<answer> New   York\n</answer>", .row = row}).score, 1.0);
  EXPECT_EQ(score(*r, {.completion = "<answer>new york</answer>", .row = row}).score, 0.0);
  auto folded = make_reward("exact_match", "case_sensitive: false");
  EXPECT_EQ(score(*folded, {.completion = "<answer>new york</answer>", .row = row}).score, 1.0);
  // Numbers in the row compare as their JSON text.
  EXPECT_EQ(score(*r, {.completion = "<answer>42</answer>", .row = {{"answer", 42}}}).score, 1.0);
}

TEST(ExactMatch, MissingAnswerOrField) {
  auto r = make_reward("exact_match");
  auto none = score(*r, {.completion = "New York", .row = {{"answer", "New York"}}});
  EXPECT_EQ(none.score, 0.0);
  EXPECT_EQ(none.details["reason"], "no_answer");
  auto whole = make_reward("exact_match", "part: completion");
  EXPECT_EQ(score(*whole, {.completion = " New York ", .row = {{"answer", "New York"}}}).score, 1.0);
  EXPECT_EQ(score(*r, {.completion = "<answer>x</answer>", .row = {{"gold", "x"}}}).details["error"],
            "row has no field 'answer'");
}

}  // namespace
}  // namespace grpo::test
