// pass@k, majority vote and the eval summary against values computed by hand (derivations inline).
#include "src/metrics/eval_metrics.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace grpo {
namespace {

std::vector<SampleOutcome> outcomes(std::initializer_list<std::pair<bool, const char*>> xs) {
  std::vector<SampleOutcome> v;
  for (const auto& [correct, answer] : xs) v.push_back({correct, answer});
  return v;
}

TEST(EvalMetrics, PassAtKUnbiasedEstimator) {
  // n=5, c=2, k=2: 1 - C(3,2)/C(5,2) = 1 - 3/10 = 0.7
  EXPECT_NEAR(pass_at_k(5, 2, 2), 0.7, 1e-12);
  // n=10, c=3, k=1 is c/n = 0.3
  EXPECT_NEAR(pass_at_k(10, 3, 1), 0.3, 1e-12);
  // n=4, c=1, k=4: every draw of 4 contains the correct one -> 1
  EXPECT_DOUBLE_EQ(pass_at_k(4, 1, 4), 1.0);
  // n=4, c=2, k=3: n-c=2 < k -> 1
  EXPECT_DOUBLE_EQ(pass_at_k(4, 2, 3), 1.0);
  // n=8, c=0 -> 0 for any k; n=8, c=8 -> 1
  EXPECT_DOUBLE_EQ(pass_at_k(8, 0, 4), 0.0);
  EXPECT_DOUBLE_EQ(pass_at_k(8, 8, 1), 1.0);
  // n=8, c=3, k=4: 1 - C(5,4)/C(8,4) = 1 - 5/70 = 13/14
  EXPECT_NEAR(pass_at_k(8, 3, 4), 13.0 / 14.0, 1e-12);
  // Large n, where the binomials themselves overflow doubles: n=2000, c=1, k=1000 -> 1000/2000
  EXPECT_NEAR(pass_at_k(2000, 1, 1000), 0.5, 1e-12);
}

TEST(EvalMetrics, PassAtKRejectsBadCounts) {
  EXPECT_NE(test::error_of([] { pass_at_k(4, 5, 1); }).find("0 <= c <= n"), std::string::npos);
  EXPECT_NE(test::error_of([] { pass_at_k(4, 1, 5); }).find("k=5"), std::string::npos);
  EXPECT_NE(test::error_of([] { pass_at_k(4, 1, 0); }).find("k=0"), std::string::npos);
}

TEST(EvalMetrics, VoteAnswerTrimsAndCollapsesWhitespace) {
  EXPECT_EQ(vote_answer("  x  +\n 1\t"), "x + 1");
  EXPECT_EQ(vote_answer(" \n "), "");
  EXPECT_EQ(vote_answer("42"), "42");
}

TEST(EvalMetrics, MajorityVoteCountsAndBreaksTiesByFirstSeen) {
  // "3" x2, "4" x3 -> "4", first carried by sample 1
  auto a = outcomes({{false, "3"}, {true, "4"}, {false, "3"}, {true, "4"}, {true, "4"}});
  EXPECT_EQ(majority_vote(a), std::optional<size_t>(1));
  EXPECT_DOUBLE_EQ(majority_correct(a), 1.0);
  // Tie 2:2 between "7" (first at 1) and "5" (first at 0): "5" was seen first -> sample 0, wrong.
  auto b = outcomes({{false, "5"}, {true, "7"}, {true, "7"}, {false, "5"}});
  EXPECT_EQ(majority_vote(b), std::optional<size_t>(0));
  EXPECT_DOUBLE_EQ(majority_correct(b), 0.0);
  // Empty answers abstain: "" x3 does not beat "9" x1.
  auto c = outcomes({{false, ""}, {false, ""}, {true, "9"}, {false, ""}});
  EXPECT_EQ(majority_vote(c), std::optional<size_t>(2));
  EXPECT_DOUBLE_EQ(majority_correct(c), 1.0);
  // Nobody answered.
  auto d = outcomes({{false, ""}, {false, ""}});
  EXPECT_EQ(majority_vote(d), std::nullopt);
  EXPECT_DOUBLE_EQ(majority_correct(d), 0.0);
  // The vote is correct when any sample with the winning answer was judged correct.
  auto e = outcomes({{false, "1/2"}, {true, "1/2"}, {false, "0.5"}});
  EXPECT_DOUBLE_EQ(majority_correct(e), 1.0);
}

TEST(EvalMetrics, SummaryAveragesOverPrompts) {
  // k = 4.
  // p0: correct {1,0,0,1} (c=2), answers 4,3,3,4 -> tie 2:2, "4" first -> correct (1).
  // p1: correct {0,0,0,0} (c=0), answers 2,2,"",5 -> "2" wrong (0).
  // p2: correct {1,1,1,0} (c=3), answers 6,6,6,1 -> correct (1).
  // pass@1 = (2/4 + 0 + 3/4) / 3 = 1.25/3
  // maj@4  = (1 + 0 + 1) / 3 = 2/3
  // pass@2 = (1 - C(2,2)/C(4,2) + 0 + 1) / 3 = (1 - 1/6 + 1) / 3 = (11/6)/3
  // pass@4 = (1 + 0 + 1) / 3
  const std::vector<std::vector<SampleOutcome>> per_prompt = {
      outcomes({{true, "4"}, {false, "3"}, {false, "3"}, {true, "4"}}),
      outcomes({{false, "2"}, {false, "2"}, {false, ""}, {false, "5"}}),
      outcomes({{true, "6"}, {true, "6"}, {true, "6"}, {false, "1"}}),
  };
  const EvalSummary s = summarize_eval(per_prompt);
  EXPECT_EQ(s.num_prompts, 3);
  EXPECT_EQ(s.k, 4);
  EXPECT_NEAR(s.pass_at_1, 1.25 / 3, 1e-12);
  EXPECT_NEAR(s.maj_at_k, 2.0 / 3, 1e-12);
  ASSERT_EQ(s.pass_at.size(), 3u);  // k' = 1, 2, 4
  EXPECT_EQ(s.pass_at[0].first, 1);
  EXPECT_NEAR(s.pass_at[0].second, 1.25 / 3, 1e-12);
  EXPECT_EQ(s.pass_at[1].first, 2);
  EXPECT_NEAR(s.pass_at[1].second, 11.0 / 18, 1e-12);
  EXPECT_EQ(s.pass_at[2].first, 4);
  EXPECT_NEAR(s.pass_at[2].second, 2.0 / 3, 1e-12);
}

TEST(EvalMetrics, SummaryWithOneSampleIsAccuracy) {
  // k = 1 (greedy): pass@1 = maj@1 = fraction correct = 1/2.
  const EvalSummary s = summarize_eval({outcomes({{true, "a"}}), outcomes({{false, "b"}})});
  EXPECT_DOUBLE_EQ(s.pass_at_1, 0.5);
  EXPECT_DOUBLE_EQ(s.maj_at_k, 0.5);
  ASSERT_EQ(s.pass_at.size(), 1u);
  // k = 6: pass@k' for 1, 2, 4, 6
  std::vector<std::vector<SampleOutcome>> six(1, std::vector<SampleOutcome>(6));
  EXPECT_EQ(summarize_eval(six).pass_at.size(), 4u);
}

TEST(EvalMetrics, SummaryRejectsRaggedInput) {
  EXPECT_NE(test::error_of([] { summarize_eval({outcomes({{true, "a"}}), outcomes({{true, "a"}, {true, "b"}})}); })
                .find("prompt 1 has 2 samples"),
            std::string::npos);
  EXPECT_NE(test::error_of([] { summarize_eval({}); }).find("no prompts"), std::string::npos);
}

}  // namespace
}  // namespace grpo
