// `countdown` on hand-written cases. Defaults as TinyZero: 0 no answer, 0.1 answer present but
// wrong for any reason, 1.0 correct. Each expected value follows from the rule named in the comment.
#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

RewardOutput countdown(const std::string& answer, Json row, const std::string& params = "") {
  auto r = make_reward("countdown", params);
  return score(*r, {.completion = "<think>working</think>\n<answer>" + answer + "</answer>", .row = std::move(row)});
}
Json task(std::vector<int64_t> nums, Json target) { return {{"nums", nums}, {"target", target}}; }
std::string reason(const RewardOutput& o) { return o.details.value("reason", ""); }

TEST(Countdown, CorrectEquationScoresOne) {
  // 3*5 + 7 = 15 + 7 = 22, numbers {3, 5, 7} each once.
  auto o = countdown("3*5+7", task({3, 5, 7}, 22));
  EXPECT_EQ(o.score, 1.0);
  EXPECT_EQ(reason(o), "correct");
  EXPECT_EQ(o.details["value"], "22");
  // Parentheses and spaces: (7 - 3) * 5 = 20; the number order does not matter.
  EXPECT_EQ(countdown(" ( 7 - 3 ) * 5 ", task({5, 3, 7}, 20)).score, 1.0);
  // A target given as a string in the row is read as an integer.
  EXPECT_EQ(countdown("3*5+7", task({3, 5, 7}, "22")).score, 1.0);
}

TEST(Countdown, WrongValueScoresFormatScore) {
  auto o = countdown("(3+5)*7", task({3, 5, 7}, 22));  // = 56, not 22
  EXPECT_DOUBLE_EQ(o.score, 0.1);
  EXPECT_EQ(reason(o), "wrong_value");
  EXPECT_EQ(o.details["value"], "56");
}

TEST(Countdown, NoAnswerScoresZero) {
  auto r = make_reward("countdown");
  auto o = score(*r, {.completion = "<think>3*5+7</think> the answer is 3*5+7", .row = task({3, 5, 7}, 22)});
  EXPECT_EQ(o.score, 0.0);
  EXPECT_EQ(reason(o), "no_answer");
  // An unclosed answer block is no answer either.
  EXPECT_EQ(score(*r, {.completion = "<answer>3*5+7", .row = task({3, 5, 7}, 22)}).score, 0.0);
}

TEST(Countdown, EachNumberExactlyOnce) {
  // Reused: 3 appears twice -> multiset {3,3,5,7} != {3,5,7}, even though 3*5+7+3-3 = 22.
  auto reused = countdown("3*5+7+3-3", task({3, 5, 7}, 22));
  EXPECT_DOUBLE_EQ(reused.score, 0.1);
  EXPECT_EQ(reason(reused), "numbers_mismatch");
  // Missing: 7 unused although 3*5 = 15 is the target.
  EXPECT_EQ(reason(countdown("3*5", task({3, 5, 7}, 15))), "numbers_mismatch");
  // A number not given at all.
  EXPECT_EQ(reason(countdown("3*5+8", task({3, 5, 7}, 23))), "numbers_mismatch");
  // Duplicates in the task must be used as often as given: {2, 2, 3}: 2*2*3 = 12.
  EXPECT_EQ(countdown("2*2*3", task({2, 2, 3}, 12)).score, 1.0);
  EXPECT_EQ(reason(countdown("2*3", task({2, 2, 3}, 6))), "numbers_mismatch");
}

TEST(Countdown, DivisionByZeroIsWellFormedButWrong) {
  auto o = countdown("4/(2-2)", task({4, 2, 2}, 4));
  EXPECT_DOUBLE_EQ(o.score, 0.1);
  EXPECT_EQ(reason(o), "division_by_zero");
}

TEST(Countdown, ExactRationalArithmetic) {
  // Non-integer intermediate: 7/2 = 7/2, then *2 = 7 exactly. Allowed by default (TinyZero uses
  // true division), rejected with integer_only.
  EXPECT_EQ(countdown("7/2*2", task({7, 2, 2}, 7)).score, 1.0);
  auto strict = countdown("7/2*2", task({7, 2, 2}, 7), "integer_only: true");
  EXPECT_DOUBLE_EQ(strict.score, 0.1);
  EXPECT_EQ(reason(strict), "non_integer_intermediate");
  // 1/3*3 is exactly 1 in rationals.
  EXPECT_EQ(countdown("1/3*3", task({1, 3, 3}, 1)).score, 1.0);
  // 1 + 1/1000000 = 1000001/1000000 is not 1. TinyZero's float check |r - t| < 1e-5 would accept
  // it (the difference is 1e-6); exact arithmetic does not.
  auto near = countdown("1+1/1000000", task({1, 1, 1000000}, 1));
  EXPECT_DOUBLE_EQ(near.score, 0.1);
  EXPECT_EQ(near.details["value"], "1000001/1000000");
}

TEST(Countdown, ExtraCharactersAreRejected) {
  // "= 22" adds the number 22: numbers mismatch (TinyZero's first check).
  EXPECT_EQ(reason(countdown("3*5+7=22", task({3, 5, 7}, 22))), "numbers_mismatch");
  // Letters, '.', '=' with the right numbers: bad character.
  EXPECT_EQ(reason(countdown("x: 3*5+7", task({3, 5, 7}, 22))), "bad_character");
  EXPECT_EQ(reason(countdown("3*5+7.", task({3, 5, 7}, 22))), "bad_character");
  // '**' (power) and unary minus are not countdown operations: syntax errors.
  EXPECT_EQ(reason(countdown("3**2", task({3, 2}, 9))), "syntax");
  EXPECT_EQ(reason(countdown("-3+5", task({3, 5}, 2))), "syntax");
  EXPECT_EQ(reason(countdown("(3+5", task({3, 5}, 8))), "syntax");
  EXPECT_EQ(reason(countdown("3 5", task({3, 5}, 8))), "syntax");
  EXPECT_DOUBLE_EQ(countdown("3 5", task({3, 5}, 8)).score, 0.1);
}

TEST(Countdown, UnicodeOperators) {
  // By default (TinyZero) × ÷ − are not allowed characters.
  auto plain = countdown("3×5+7", task({3, 5, 7}, 22));
  EXPECT_DOUBLE_EQ(plain.score, 0.1);
  EXPECT_EQ(reason(plain), "bad_character");
  // With unicode_operators they read as * / -: 3×5+7 = 22, 20÷5 = 4, 5−3 = 2 (U+2212).
  EXPECT_EQ(countdown("3×5+7", task({3, 5, 7}, 22), "unicode_operators: true").score, 1.0);
  EXPECT_EQ(countdown("20÷5", task({20, 5}, 4), "unicode_operators: true").score, 1.0);
  EXPECT_EQ(countdown("5−3", task({5, 3}, 2), "unicode_operators: true").score, 1.0);
}

TEST(Countdown, OverflowAndDeepNestingAreReasonsNotCrashes) {
  // 9999999999^4 ~ 1e40 > __int128's ~1.7e38.
  EXPECT_EQ(reason(countdown("9999999999*9999999999*9999999999*9999999999",
                             task({9999999999, 9999999999, 9999999999, 9999999999}, 1))),
            "overflow");
  const std::string deep = std::string(100, '(') + "1+2" + std::string(100, ')');
  EXPECT_EQ(reason(countdown(deep, task({1, 2}, 3))), "syntax");
}

TEST(Countdown, LastAnswerBlockCountsAndScoresAreConfigurable) {
  auto r = make_reward("countdown", "correct_score: 2\nformat_score: 0\nno_answer_score: -1");
  Json row = task({3, 5, 7}, 22);
  EXPECT_EQ(score(*r, {.completion = "<answer>1+1</answer> wait <answer>3*5+7</answer>", .row = row}).score, 2.0);
  EXPECT_EQ(score(*r, {.completion = "<answer>3+5+7</answer>", .row = row}).score, 0.0);
  EXPECT_EQ(score(*r, {.completion = "nothing", .row = row}).score, -1.0);
}

TEST(Countdown, MissingRowFieldsAreDataErrors) {
  auto o = countdown("3*5+7", Json{{"target", 22}});
  EXPECT_EQ(o.score, 0.0);
  EXPECT_EQ(o.details["error"], "row has no field 'nums'");
  auto custom = countdown("3*5+7", Json{{"numbers", {3, 5, 7}}, {"goal", 22}},
                          "numbers_field: numbers\ntarget_field: goal");
  EXPECT_EQ(custom.score, 1.0);
}

}  // namespace
}  // namespace grpo::test
