// `repetition`: R = (1 - unique/total) * max_penalty over lower-cased word n-grams.
#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

double rep(const std::string& text, const std::string& params) {
  return score(*make_reward("repetition", params), {.completion = text}).score;
}

TEST(Repetition, HandCountedNgrams) {
  // Bigrams of "a b a b a b": ab ba ab ba ab -> total 5, unique 2 -> (1 - 2/5) * -1 = -0.6.
  EXPECT_DOUBLE_EQ(rep("a b a b a b", "ngram_size: 2"), -0.6);
  // Unigrams after lower-casing: the x4 -> unique 1 of 4 -> -(1 - 1/4) = -0.75; max_penalty scales.
  EXPECT_DOUBLE_EQ(rep("The the THE the", "ngram_size: 1"), -0.75);
  EXPECT_DOUBLE_EQ(rep("The the THE the", "ngram_size: 1\nmax_penalty: -2"), -1.5);
  // Non-ASCII lower-casing: Ärger == ärger -> unique 1 of 2 -> -0.5.
  EXPECT_DOUBLE_EQ(rep("Ärger ärger", "ngram_size: 1"), -0.5);
  // No repeats, or fewer words than n: 0.
  EXPECT_DOUBLE_EQ(rep("one two three four", "ngram_size: 3"), 0.0);
  EXPECT_DOUBLE_EQ(rep("one two", "ngram_size: 3"), 0.0);
  // Any whitespace separates words: "a\nb\ta b" -> bigrams ab ba ab -> unique 2 of 3 -> -1/3.
  EXPECT_DOUBLE_EQ(rep("a\nb\ta b", "ngram_size: 2"), -1.0 / 3.0);
}

TEST(Repetition, PenaltyMustNotBePositive) {
  const std::string e = error_of([] { make_reward("repetition", "max_penalty: 0.5"); });
  EXPECT_NE(e.find("max_penalty: must be <= 0"), std::string::npos) << e;
}

}  // namespace
}  // namespace grpo::test
