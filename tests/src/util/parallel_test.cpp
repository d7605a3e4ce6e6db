// parallel_for visits every index exactly once and propagates the first exception.
#include "src/util/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace grpo {
namespace {

TEST(Parallel, EveryIndexOnce) {
  std::vector<std::atomic<int>> hits(1000);
  parallel_for(hits.size(), 4, [&](size_t i) { hits[i]++; });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(Parallel, RethrowsAndStops) {
  std::atomic<int> done{0};
  EXPECT_THROW(parallel_for(10000, 3,
                            [&](size_t i) {
                              if (i == 5) throw std::runtime_error("boom");
                              done++;
                            }),
               std::runtime_error);
  EXPECT_LT(done.load(), 10000);
}

TEST(Parallel, ZeroItemsAndSingleThread) {
  int count = 0;
  parallel_for(0, 4, [&](size_t) { count++; });
  parallel_for(3, 1, [&](size_t) { count++; });
  EXPECT_EQ(count, 3);
}

}  // namespace
}  // namespace grpo
