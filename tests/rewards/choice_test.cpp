// `choice`: option-letter extraction from the answer part in the forms models write.
#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

double pick(const std::string& answer, const std::string& gold = "B", const std::string& params = "") {
  return score(*make_reward("choice", params), {.completion = "<answer>" + answer + "</answer>", .row = {{"answer", gold}}})
      .score;
}

TEST(Choice, ExtractsTheLetterFromCommonForms) {
  for (const char* form : {"B", " B ", "(B)", "B.", "\\boxed{B}", "$\\boxed{B}$", "**B**", "$\\text{B}$", "[B]",
                           "B) 42", "(B) forty-two", "B. forty-two", "The answer is B.", "answer: (B)", "Answer is option B"})
    EXPECT_EQ(pick(form), 1.0) << form;
  for (const char* form : {"C", "(C)", "The answer is C", "maybe", "", "b", "Bob"}) EXPECT_EQ(pick(form), 0.0) << form;
}

TEST(Choice, GoldIsNormalisedTheSameWay) {
  EXPECT_EQ(pick("C", "(C)"), 1.0);
  EXPECT_EQ(pick("C", "C."), 1.0);
  auto r = make_reward("choice", "letters: ABCD");
  auto o = score(*r, {.completion = "<answer>E</answer>", .row = {{"answer", "Z"}}});
  EXPECT_TRUE(o.details.contains("error"));  // Z is not an option letter: data error
  // E is not among ABCD either, so it is not extracted.
  EXPECT_EQ(pick("E", "E", "letters: ABCD"), 0.0);
}

TEST(Choice, LettersMustBeUpperCase) {
  const std::string e = error_of([] { make_reward("choice", "letters: abc"); });
  EXPECT_NE(e.find("letters: must be one or more upper-case letters"), std::string::npos) << e;
}

}  // namespace
}  // namespace grpo::test
