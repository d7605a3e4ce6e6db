// Reflection-phrase counting: whole words, case, phrases with whitespace, no double counting.
#include "src/report/reflection.h"

#include <gtest/gtest.h>

namespace grpo {
namespace {

std::vector<std::string> found(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& [b, e] : find_reflections(text)) out.emplace_back(text.substr(b, e - b));
  return out;
}

TEST(Reflection, WholeWordsCaseInsensitive) {
  EXPECT_EQ(found("Wait, so 3+4=7. WAIT. (wait)"), (std::vector<std::string>{"Wait", "WAIT", "wait"}));
  // Inflections and embeddings are not the listed words: waiting, awaited, checked, wait_for, wait2.
  EXPECT_EQ(count_reflections("waiting awaited checked wait_for wait2 unverified"), 0u);
  EXPECT_EQ(count_reflections("Hmm, actually I made a mistake; let me retry."), 4u);  // hmm actually mistake retry
}

TEST(Reflection, LongestPhraseWinsWithoutOverlap) {
  // "let me check" is one phrase (not also "check"); "double-check", "re-check", "recheck" likewise.
  EXPECT_EQ(found("Let me check. double-check re-check recheck check"),
            (std::vector<std::string>{"Let me check", "double-check", "re-check", "recheck", "check"}));
  // A space in a phrase matches any whitespace run.
  EXPECT_EQ(found("let   me\ncheck"), (std::vector<std::string>{"let   me\ncheck"}));
  EXPECT_EQ(count_reflections("letme check"), 1u);  // only "check"
  EXPECT_EQ(count_reflections(""), 0u);
}

TEST(Reflection, PerStepMeanAndFraction) {
  // step 1: "hmm" -> 1 phrase, 1 of 1 with any; step 2: "wait wait" (2) and "no" (0) -> mean 1, fraction 0.5.
  const auto points = reflection_by_step({{2, "wait wait"}, {1, "hmm"}, {2, "no"}});
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].step, 1);
  EXPECT_DOUBLE_EQ(points[0].mean_count, 1.0);
  EXPECT_DOUBLE_EQ(points[0].frac_with_any, 1.0);
  EXPECT_EQ(points[1].step, 2);
  EXPECT_EQ(points[1].completions, 2u);
  EXPECT_DOUBLE_EQ(points[1].mean_count, 1.0);
  EXPECT_DOUBLE_EQ(points[1].frac_with_any, 0.5);
}

TEST(Reflection, PhraseListIsLowerCaseLongestFirst) {
  const auto& p = reflection_phrases();
  ASSERT_FALSE(p.empty());
  for (size_t i = 1; i < p.size(); ++i) EXPECT_GE(p[i - 1].size(), p[i].size());
  for (const auto& w : p)
    for (char c : w) EXPECT_FALSE(c >= 'A' && c <= 'Z') << w;
}

}  // namespace
}  // namespace grpo
