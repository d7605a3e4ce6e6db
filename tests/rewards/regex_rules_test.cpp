// `regex`: user rules from YAML, their combination, captures compared to row fields, and errors.
#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

TEST(RegexRules, ScoresPerRuleAreSummed) {
  auto r = make_reward("regex",
                       "rules:\n"
                       "  - {name: digits, pattern: '^\\s*\\d+\\s*$', part: answer, match_score: 0.5}\n"
                       "  - {name: polite, pattern: '(?i)sorry', match_score: -1, no_match_score: 0.25}\n");
  // digits matches (0.5), "sorry" absent (0.25): 0.75.
  auto good = score(*r, {.completion = "<think>x</think><answer> 42 </answer>"});
  EXPECT_DOUBLE_EQ(good.score, 0.75);
  EXPECT_EQ(good.details["digits"]["matched"], true);
  // No answer part: digits scores no_match (0); "Sorry" matches case-insensitively (-1): -1.
  EXPECT_DOUBLE_EQ(score(*r, {.completion = "Sorry, I cannot."}).score, -1.0);
}

TEST(RegexRules, CaptureComparedToRowField) {
  auto r = make_reward("regex", "rules: [{pattern: 'answer is (\\d+)', capture: '1', field: answer}]");
  EXPECT_EQ(score(*r, {.completion = "so the answer is 42.", .row = {{"answer", "42"}}}).score, 1.0);
  EXPECT_EQ(score(*r, {.completion = "so the answer is 41.", .row = {{"answer", "42"}}}).score, 0.0);
  // Named group, numeric comparison: "42.0" == 42.
  auto named = make_reward("regex",
                           "rules: [{pattern: '=\\s*(?P<value>[0-9.]+)', capture: value, field: answer, compare: number}]");
  EXPECT_EQ(score(*named, {.completion = "x = 42.0", .row = {{"answer", 42}}}).score, 1.0);
  EXPECT_EQ(score(*named, {.completion = "x = 4.2", .row = {{"answer", 42}}}).score, 0.0);
  auto casefold = make_reward("regex", "rules: [{pattern: 'city: (\\w+)', capture: '1', field: city, compare: casefold}]");
  EXPECT_EQ(score(*casefold, {.completion = "city: PARIS", .row = {{"city", "Paris"}}}).score, 1.0);
  // An optional group that did not take part captures "": equal to an empty field.
  auto optional = make_reward("regex", "rules: [{pattern: 'a(b)?', capture: '1', field: suffix}]");
  EXPECT_EQ(score(*optional, {.completion = "a", .row = {{"suffix", ""}}}).score, 1.0);
  EXPECT_EQ(score(*optional, {.completion = "ab", .row = {{"suffix", ""}}}).score, 0.0);
  // A missing field is a data error.
  EXPECT_TRUE(score(*r, {.completion = "answer is 42", .row = {{"x", 1}}}).details.contains("error"));
}

TEST(RegexRules, CombineModes) {
  const std::string rules = "rules: [{pattern: a, match_score: 1}, {pattern: b, match_score: 3}]\ncombine: ";
  // Both match: sum 4, mean 2, min 1, max 3.
  EXPECT_EQ(score(*make_reward("regex", rules + "sum"), {.completion = "ab"}).score, 4.0);
  EXPECT_EQ(score(*make_reward("regex", rules + "mean"), {.completion = "ab"}).score, 2.0);
  EXPECT_EQ(score(*make_reward("regex", rules + "min"), {.completion = "ab"}).score, 1.0);
  EXPECT_EQ(score(*make_reward("regex", rules + "max"), {.completion = "ab"}).score, 3.0);
}

TEST(RegexRules, ConfigErrorsNameTheRule) {
  const std::string bad = error_of([] { make_reward("regex", "rules:\n  - {pattern: 'ok'}\n  - {pattern: '(unclosed'}"); });
  EXPECT_NE(bad.find("params.yaml:3: rules[1].pattern: is not a valid RE2 pattern"), std::string::npos) << bad;
  const std::string group = error_of([] { make_reward("regex", "rules: [{pattern: '(a)', capture: '2'}]"); });
  EXPECT_NE(group.find("rules[0].capture: names no group"), std::string::npos) << group;
  const std::string empty = error_of([] { make_reward("regex", "rules: []"); });
  EXPECT_NE(empty.find("rules: must list at least one rule"), std::string::npos) << empty;
  const std::string part = error_of([] { make_reward("regex", "rules: [{pattern: a, part: reasoning}]"); });
  EXPECT_NE(part.find("rules[0].part: must be completion, think or answer"), std::string::npos) << part;
}

}  // namespace
}  // namespace grpo::test
