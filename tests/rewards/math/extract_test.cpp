// Answer extraction: nested braces, several boxes, tags, regex, and no answer at all.
#include "rewards/math/extract.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

namespace grpo::math {
namespace {

TEST(Extract, BoxedWithNestedBraces) {
  EXPECT_EQ(*last_boxed("so \\boxed{\\frac{\\sqrt{2}}{2}}."), "\\frac{\\sqrt{2}}{2}");
  EXPECT_EQ(*last_boxed("\\boxed{ {a}{b} }"), "{a}{b}");
  EXPECT_EQ(*last_boxed("\\fbox{12}"), "12");
  EXPECT_EQ(*last_boxed("\\boxed  {12}"), "12");
}

TEST(Extract, LastOfSeveralBoxes) {
  // Far apart (the text between is >= 70 characters): only the last one counts.
  EXPECT_EQ(*last_boxed("first \\boxed{3}, which fails the check. Redoing everything carefully, after a long second look, we finally get \\boxed{5}"),
            "5");
  // Close together: joined like math-verify ("1 and 2" is the list 1,2).
  EXPECT_EQ(*last_boxed("roots \\boxed{1} and \\boxed{2}."), "1,2");
  EXPECT_EQ(*last_boxed("\\boxed{4} \\boxed{4}"), "4");  // identical neighbours kept once
  // Within 70 characters but without a separator word: only the last.
  EXPECT_EQ(*last_boxed("\\boxed{1} is what I first thought but it is \\boxed{2}"), "2");
}

TEST(Extract, NoOrBrokenBox) {
  EXPECT_FALSE(last_boxed("the answer is 4").has_value());
  EXPECT_FALSE(last_boxed("\\boxed{4").has_value());
  EXPECT_FALSE(last_boxed("\\boxed 4").has_value());
  EXPECT_EQ(*last_boxed("\\boxed{}"), "");
}

TEST(Extract, AnswerTagIsTheLastClosedBlock) {
  EXPECT_EQ(*answer_tag("<think>x</think><answer> 42 </answer>"), "42");
  EXPECT_EQ(*answer_tag("<answer>6</answer> <answer>7</answer>"), "7");
  EXPECT_FALSE(answer_tag("<answer>6").has_value());
  EXPECT_FALSE(answer_tag("no tags").has_value());
  EXPECT_EQ(*answer_tag("[ANS]5[/ANS]", "[ANS]", "[/ANS]"), "5");
}

TEST(Extract, RegexTakesFirstGroupOfLastMatch) {
  RE2 with_group("Answer: (\\S+)");
  EXPECT_EQ(*regex_answer("Answer: 3\nAnswer: 4", with_group), "4");
  RE2 whole("\\d+");
  EXPECT_EQ(*regex_answer("a 1 b 22", whole), "22");
  EXPECT_FALSE(regex_answer("nothing", with_group).has_value());
}

}  // namespace
}  // namespace grpo::math
