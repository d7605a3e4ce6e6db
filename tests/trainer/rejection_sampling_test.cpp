// Rejection sampling selection: keep / deduplicate / cap on hand-built candidates, and the keep
// columns read from a scored rollout.
#include "trainer/rejection_sampling.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace grpo {
namespace {

TEST(RejectionSampling, KeepsDedupsAndCapsBestFirst) {
  // prompt 0: samples 0..4; passed = {0, 1, 2, 4}; texts: 0 "a", 1 "b", 2 "a", 4 "c"
  //   totals 0: 0.5, 1: 1.0, 2: 2.0, 4: 1.0
  //   ranking by total desc, sample asc: 2 (2.0, "a"), 1 (1.0, "b"), 4 (1.0, "c"), 0 (0.5, "a" again -> duplicate)
  //   cap 2 -> keep 2, 1; 4 capped; 0 duplicate.
  // prompt 1: nothing passes.  prompt 2: one sample, passes -> kept.
  const std::vector<Candidate> c = {
      {0, 0, "a", 0.5, true},  {0, 1, "b", 1.0, true},  {0, 2, "a", 2.0, true}, {0, 3, "d", 9.0, false},
      {0, 4, "c", 1.0, true},  {1, 0, "x", 1.0, false}, {1, 1, "y", 1.0, false}, {2, 0, "z", -1.0, true},
  };
  const Selection s = select_candidates(c, 3, 2);
  EXPECT_EQ(s.kept, (std::vector<size_t>{2, 1, 7}));
  EXPECT_EQ(s.stats.generated, 8);
  EXPECT_EQ(s.stats.passed, 5);
  EXPECT_EQ(s.stats.duplicates, 1);
  EXPECT_EQ(s.stats.capped, 1);
  EXPECT_EQ(s.stats.kept, 3);
  EXPECT_EQ(s.stats.prompts_without_kept, 1);
  // No cap: 2, 1, 4 of prompt 0 (ties 1 and 4 at 1.0 by sample index), then 7.
  const Selection all = select_candidates(c, 3, 0);
  EXPECT_EQ(all.kept, (std::vector<size_t>{2, 1, 4, 7}));
  EXPECT_EQ(all.stats.capped, 0);
  EXPECT_EQ(all.stats.duplicates, 1);
  // A prompt with no candidates at all still counts as keeping nothing.
  EXPECT_EQ(select_candidates(c, 5, 0).stats.prompts_without_kept, 3);
}

TEST(RejectionSampling, RejectsNegativeCap) {
  EXPECT_NE(test::error_of([] { select_candidates({}, 1, -1); }).find("--max-per-prompt"), std::string::npos);
}

TEST(RejectionSampling, KeepColumnsComeFromTheRollout) {
  ScoredRollout s;
  Completion a, b;
  a.prompt_index = 0, a.sample_index = 0, a.text = "x", a.token_ids = {5, 6, 7}, a.finish_reason = FinishReason::kStop;
  b.prompt_index = 0, b.sample_index = 1, b.text = "y", b.token_ids = {5}, b.finish_reason = FinishReason::kLength;
  s.rollout.completions = {a, b};
  s.rewards.total = {1.5, 0.25};
  s.rewards.scores = {{1.0, 0.0}, {0.5, 0.25}};  // [F=2][N=2]
  const std::vector<std::string> labels = {"acc", "fmt"};
  auto passed = [&](const std::string& expr) {
    std::vector<bool> out;
    for (const auto& c : keep_candidates(s, KeepExpr::parse(expr, labels))) out.push_back(c.passed);
    return out;
  };
  EXPECT_EQ(passed("acc == 1 && fmt == 0.5"), (std::vector<bool>{true, false}));
  EXPECT_EQ(passed("fmt == 0.25 && reward == 0.25"), (std::vector<bool>{false, true}));
  EXPECT_EQ(passed("tokens == 3"), (std::vector<bool>{true, false}));
  EXPECT_EQ(passed("finish_reason == \"length\""), (std::vector<bool>{false, true}));
  const auto cands = keep_candidates(s, KeepExpr::parse("true", labels));
  EXPECT_EQ(cands[1].text, "y");
  EXPECT_EQ(cands[1].sample, 1);
  EXPECT_DOUBLE_EQ(cands[0].total, 1.5);
}

}  // namespace
}  // namespace grpo
