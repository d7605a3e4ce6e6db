// `language_consistency`: word counts by script, worked out by hand for each text.
#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

RewardOutput lang(const std::string& think, const std::string& params, Json row = nullptr) {
  auto r = make_reward("language_consistency", params);
  return score(*r, {.completion = "<think>" + think + "</think><answer>7</answer>", .row = std::move(row)});
}

TEST(LanguageConsistency, AllTargetWordsScoreOne) {
  // Words: First, we, add, the, numbers (digits and symbols are not words) -> 5/5.
  auto o = lang("First we add the numbers, 3 + 4 = 7.", "language: en");
  EXPECT_DOUBLE_EQ(o.score, 1.0);
  EXPECT_EQ(o.details["words"]["latin"], 5);
}

TEST(LanguageConsistency, MixedChineseAndEnglish) {
  // Latin words: We, compute, the, sum (4); Han characters count one word each: 计, 算 (2).
  // en: 4/6; zh: 2/6.
  EXPECT_DOUBLE_EQ(lang("We compute 计算 the sum", "language: en").score, 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(lang("We compute 计算 the sum", "language: zh").score, 2.0 / 6.0);
}

TEST(LanguageConsistency, JapaneseUsesKanaAndHan) {
  // こ れ は (3 hiragana words) + test (1 latin) + で す (2) + 漢 (1 han) -> ja: 6/7.
  EXPECT_DOUBLE_EQ(lang("これは test です 漢", "language: ja").score, 6.0 / 7.0);
}

TEST(LanguageConsistency, ScriptChangeSplitsWordsAndMarksContinueThem) {
  // "abcабв" is two words (latin, cyrillic); "cafe" + U+0301 (combining acute) is one latin word.
  auto o = lang("abcабв cafe\u0301", "language: ru");
  EXPECT_DOUBLE_EQ(o.score, 1.0 / 3.0);
  EXPECT_EQ(o.details["words"]["latin"], 2);
  EXPECT_EQ(o.details["words"]["cyrillic"], 1);
}

TEST(LanguageConsistency, TargetFromRowOverridesConfig) {
  // Row says zh: 计 算 are 2 of 3 words (plus "sum").
  EXPECT_DOUBLE_EQ(lang("计算 sum", "language: en", Json{{"language", "zh-CN"}}).score, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(lang("计算 sum", "language: en\nlanguage_field: lang", Json{{"lang", "en"}}).score, 1.0 / 3.0);
  // Without `language`, the row must say it.
  auto missing = lang("sum", "language_field: language", Json{{"other", 1}});
  EXPECT_EQ(missing.details["error"], "row has no field 'language' and no `language` is configured");
  auto unknown = lang("sum", "language: en", Json{{"language", "klingon"}});
  EXPECT_EQ(unknown.details["error"], "unknown language 'klingon'");
}

TEST(LanguageConsistency, EmptyOrMissingThinkScoresEmptyScore) {
  auto no_words = lang("3 + 4 = 7", "language: en\nempty_score: 0.5");
  EXPECT_EQ(no_words.score, 0.5);
  EXPECT_EQ(no_words.details["reason"], "no_words");
  auto r = make_reward("language_consistency", "language: en");
  auto no_think = score(*r, {.completion = "<answer>7</answer>"});
  EXPECT_EQ(no_think.score, 0.0);
  EXPECT_EQ(no_think.details["reason"], "no_think");
}

TEST(LanguageConsistency, UnknownConfiguredLanguageIsAConfigError) {
  const std::string e = error_of([] { make_reward("language_consistency", "language: klingon"); });
  EXPECT_NE(e.find("params.yaml:1: language: unknown language 'klingon'"), std::string::npos) << e;
}

}  // namespace
}  // namespace grpo::test
