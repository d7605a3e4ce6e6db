// Admission: whole groups when they fit, partial groups otherwise, prefix copies from live siblings,
// the prefill token limit, and FIFO order.
#include "rollout/scheduler.h"

#include <gtest/gtest.h>

#include "src/util/error.h"

namespace grpo {
namespace {

TEST(Scheduler, WholeGroupsThenWait) {
  Scheduler s({2, 2, 2}, 5);   // 6 sequences, 5 slots
  const auto a = s.admit({4, 4, 4}, 1000);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].slots, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(a[2].samples, (std::vector<int64_t>{0}));   // only one slot left for prompt 2
  EXPECT_TRUE(a[2].needs_prefill());
  EXPECT_EQ(s.free_slots(), 0);
  EXPECT_FALSE(s.prompt_admitted(2));
  EXPECT_TRUE(s.admit({4, 4, 4}, 1000).empty());   // no slot: the rest waits
  s.finish(0, 1);
  const auto b = s.admit({4, 4, 4}, 1000);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].prompt, 2);
  EXPECT_EQ(b[0].samples, (std::vector<int64_t>{1}));
  EXPECT_EQ(b[0].source_slot, a[2].slots[0]);   // copies from the live sibling, no prefill
  EXPECT_TRUE(s.all_admitted());
}

TEST(Scheduler, PrefillTokenLimitKeepsTheFirstPrompt) {
  Scheduler s({1, 1, 1}, 8);
  const auto a = s.admit({50, 30, 30}, 40);
  ASSERT_EQ(a.size(), 1u);   // 50 > 40, but a prompt longer than the limit still goes alone
  const auto b = s.admit({50, 30, 30}, 40);
  ASSERT_EQ(b.size(), 1u);   // 30 + 30 > 40
  EXPECT_EQ(b[0].prompt, 1);
}

TEST(Scheduler, FinishOfUnknownSlotIsAnError) {
  Scheduler s({1}, 2);
  s.admit({3}, 100);
  EXPECT_THROW(s.finish(0, 1), Error);
  EXPECT_THROW(Scheduler({1}, 0), Error);
}

}  // namespace
}  // namespace grpo
