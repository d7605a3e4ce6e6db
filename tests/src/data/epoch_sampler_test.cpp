// EpochSampler: each epoch is a permutation of the rows, epochs differ, and a sampler restored to a
// saved position serves exactly what the original serves next.
#include "src/data/epoch_sampler.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "src/util/error.h"

namespace grpo {
namespace {

TEST(EpochSampler, EpochsArePermutationsAndResumeExactly) {
  EpochSampler a;
  const auto epoch0 = a.next(7, 7, 3);
  auto sorted = epoch0;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(a.position().epoch, 0);
  EXPECT_EQ(a.position().index, 7);
  EXPECT_NE(EpochSampler::epoch_order(7, 0, 3), EpochSampler::epoch_order(7, 1, 3));
  EXPECT_EQ(epoch0, EpochSampler::epoch_order(7, 0, 3));

  a.next(7, 3, 3);  // into epoch 1
  EpochSampler b;
  b.set_position(a.position());
  EXPECT_EQ(a.next(7, 9, 3), b.next(7, 9, 3));  // crosses into epoch 2 the same way
  EXPECT_EQ(a.position().epoch, 2);
  EXPECT_EQ(a.position().index, 5);  // 3 + 9 = 12 = 7 (epoch 1) + 5
}

TEST(EpochSampler, EmptyDatasetIsAnError) {
  EpochSampler s;
  EXPECT_THROW(s.next(0, 1, 0), Error);
}

}  // namespace
}  // namespace grpo
