// Cache sizing: explicit slots, slots from a byte budget, and the error when the budget holds none.
#include "rollout/cache_plan.h"

#include <gtest/gtest.h>

#include "src/util/error.h"

namespace grpo {
namespace {

TEST(CachePlan, FromBudget) {
  // 50 positions are held as 51 (odd); 1 MB / (100 B x 51 positions) = 196 slots, capped at the 64 sequences asked
  // for.
  CacheOptions o;
  o.budget_bytes = 1000000;
  EXPECT_EQ(plan_cache(o, 50, 1000, 100).slots, 196);
  EXPECT_EQ(plan_cache(o, 50, 64, 100).slots, 64);
  EXPECT_EQ(plan_cache(o, 50, 64, 100).capacity, 51);
  EXPECT_EQ(plan_cache(o, 49, 1000, 100).capacity, 49);
  EXPECT_EQ(plan_cache(o, 49, 1000, 100).slots, 204);
}

// The default capacity is odd, so that slot strides never camp on one memory partition (cache_plan.h); an explicit
// capacity is taken as given.
TEST(CachePlan, DefaultCapacityIsOdd) {
  EXPECT_EQ(odd_slot_capacity(640), 641);
  EXPECT_EQ(odd_slot_capacity(641), 641);
  EXPECT_EQ(odd_slot_capacity(1), 1);
  CacheOptions o;
  EXPECT_EQ(plan_cache(o, 1280, 8, 100).capacity, 1281);
  o.slot_capacity = 1280;
  EXPECT_EQ(plan_cache(o, 1280, 8, 100).capacity, 1280);
}

TEST(CachePlan, ExplicitSlotsAndCapacity) {
  CacheOptions o;
  o.num_slots = 3;
  o.slot_capacity = 20;
  const auto p = plan_cache(o, 50, 64, 100);
  EXPECT_EQ(p.slots, 3);
  EXPECT_EQ(p.capacity, 20);
}

TEST(CachePlan, BudgetTooSmallIsAnError) {
  CacheOptions o;
  o.budget_bytes = 5099;  // one slot of 50 positions, held as 51, needs 5100 bytes
  EXPECT_THROW(plan_cache(o, 50, 4, 100), Error);
  o.budget_bytes = 5100;
  EXPECT_EQ(plan_cache(o, 50, 4, 100).slots, 1);
}

// One default for `grpo generate --cache-gb` and the trainer's rollout.cache_gb.
TEST(CachePlan, BudgetFromGib) {
  EXPECT_EQ(kv_budget_bytes(0, /*on_gpu=*/true), 16LL * 1024 * 1024 * 1024);
  EXPECT_EQ(kv_budget_bytes(0, /*on_gpu=*/false), 4LL * 1024 * 1024 * 1024);
  EXPECT_EQ(kv_budget_bytes(0.5, false), 512LL * 1024 * 1024);
  EXPECT_EQ(kv_budget_bytes(40, true), 40LL * 1024 * 1024 * 1024);
  EXPECT_THROW(kv_budget_bytes(-1, true), Error);
}

}  // namespace
}  // namespace grpo
