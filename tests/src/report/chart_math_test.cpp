// Axis ticks, EMA and downsampling against hand-computed values (derivations in the comments).
#include "src/report/chart_math.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "src/util/error.h"

namespace grpo {
namespace {

TEST(ChartMath, NiceAxisRoundsToOneTwoFive) {
  // range 0.74 / 5 = 0.148 -> 1.48 x 10^-1 -> next of {1,2,5,10} is 2 -> step 0.2, domain [0, 1].
  AxisScale a = nice_axis(0.13, 0.87, 5);
  EXPECT_NEAR(a.step, 0.2, 1e-12);
  EXPECT_NEAR(a.lo, 0.0, 1e-12);
  EXPECT_NEAR(a.hi, 1.0, 1e-12);
  ASSERT_EQ(a.ticks.size(), 6u);
  EXPECT_NEAR(a.ticks[3], 0.6, 1e-12);
  // 9872 / 5 = 1974.4 -> 2 x 10^3; domain [0, 10000], ticks 0, 2000, ..., 10000.
  a = nice_axis(1, 9873, 5);
  EXPECT_DOUBLE_EQ(a.step, 2000);
  EXPECT_DOUBLE_EQ(a.hi, 10000);
  EXPECT_EQ(a.ticks.size(), 6u);
  // Negative: 11.1 / 5 = 2.22 -> 5; floor(-3.2/5) = -1 -> -5, ceil(7.9/5) = 2 -> 10.
  a = nice_axis(-3.2, 7.9, 5);
  EXPECT_DOUBLE_EQ(a.step, 5);
  EXPECT_DOUBLE_EQ(a.lo, -5);
  EXPECT_DOUBLE_EQ(a.hi, 10);
  EXPECT_EQ(a.ticks.size(), 4u);
  // An exact multiple does not widen: [0, 1] / 5 = 0.2 -> step 0.2, domain stays [0, 1].
  a = nice_axis(0, 1, 5);
  EXPECT_NEAR(a.hi, 1.0, 1e-12);
  EXPECT_EQ(a.ticks.size(), 6u);
}

TEST(ChartMath, NiceAxisWidensConstantSeries) {
  // 0.5 +- 10% -> [0.45, 0.55]; 0.1 / 5 = 0.02 -> step 0.02; floor(22.5) = 22, ceil(27.5) = 28.
  AxisScale a = nice_axis(0.5, 0.5, 5);
  EXPECT_NEAR(a.step, 0.02, 1e-12);
  EXPECT_NEAR(a.lo, 0.44, 1e-12);
  EXPECT_NEAR(a.hi, 0.56, 1e-12);
  // 0 -> [-1, 1]; 2 / 5 = 0.4 -> 0.5; ticks -1, -0.5, 0, 0.5, 1.
  a = nice_axis(0, 0, 5);
  EXPECT_DOUBLE_EQ(a.step, 0.5);
  EXPECT_EQ(a.ticks.size(), 5u);
  EXPECT_THROW(nice_axis(NAN, 1, 5), Error);
  EXPECT_THROW(nice_axis(2, 1, 5), Error);
}

TEST(ChartMath, FormatTick) {
  EXPECT_EQ(format_tick(15000, 5000), "15k");
  EXPECT_EQ(format_tick(1500000, 500000), "1.5M");  // 0.5 M step needs one decimal
  EXPECT_EQ(format_tick(1000000, 500000), "1.0M");
  EXPECT_EQ(format_tick(200000, 50000), "200k");
  EXPECT_EQ(format_tick(8000, 2000), "8k");          // same unit on the whole axis
  EXPECT_EQ(format_tick(0.4, 0.2), "0.4");
  EXPECT_EQ(format_tick(0.45, 0.05), "0.45");
  EXPECT_EQ(format_tick(3, 1), "3");
  EXPECT_EQ(format_tick(500, 100), "500");
  EXPECT_EQ(format_tick(2e-5, 1e-5), "2e-05");
  // Neighbouring ticks 0.001, 0.00105, 0.0011 (step 5e-5) must differ: digits from 10^-3 to 10^-5 = 3.
  EXPECT_EQ(format_tick(0.00105, 5e-5), "0.00105");
  EXPECT_EQ(format_tick(0.0011, 5e-5), "0.0011");
  EXPECT_EQ(format_tick(5e-7, 5e-7), "5e-07");
  EXPECT_EQ(format_tick(1e-17, 0.2), "0");  // 0.1+0.2-0.3-like residue prints as 0
}

TEST(ChartMath, EmaIsDebiased) {
  // w = 0.5: m1 = 0.5, s1 = 0.5/0.5 = 1; m2 = 0.25 + 1 = 1.25, s2 = 1.25/0.75 = 5/3;
  // m3 = 0.625 + 1.5 = 2.125, s3 = 2.125/0.875 = 17/7.
  const auto s = ema({1, 2, 3}, 0.5);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_DOUBLE_EQ(s[0], 1.0);
  EXPECT_NEAR(s[1], 5.0 / 3.0, 1e-12);
  EXPECT_NEAR(s[2], 17.0 / 7.0, 1e-12);
  for (double v : ema({4, 4, 4, 4}, 0.9)) EXPECT_NEAR(v, 4.0, 1e-12);  // constant stays constant
  EXPECT_EQ(ema({1, 5}, 0), (std::vector<double>{1, 5}));
  EXPECT_TRUE(ema({}, 0.6).empty());
  EXPECT_THROW(ema({1}, 1.0), Error);
}

TEST(ChartMath, EffectiveWeightScalesWithLength) {
  EXPECT_DOUBLE_EQ(effective_weight(0.6, 1000, 1000), 0.6);         // short enough: unchanged
  EXPECT_NEAR(effective_weight(0.6, 2000, 1000), std::sqrt(0.6), 1e-12);  // 0.6^(1000/2000)
  EXPECT_NEAR(effective_weight(0.5, 4000, 1000), std::pow(0.5, 0.25), 1e-12);
  EXPECT_DOUBLE_EQ(effective_weight(0, 5000, 1000), 0.0);
}

TEST(ChartMath, DownsampleKeepsEndsAndBucketExtremes) {
  // n = 10, max 6 -> (6-2)/2 = 2 buckets over the interior 1..8: [1,5) and [5,9).
  // y[1..4] = 5 1 9 2 -> min at 2, max at 3; y[5..8] = 3 8 4 7 -> min at 5, max at 6.
  const std::vector<double> y = {0, 5, 1, 9, 2, 3, 8, 4, 7, 6};
  EXPECT_EQ(downsample_indices(y, 6), (std::vector<size_t>{0, 2, 3, 5, 6, 9}));
  EXPECT_EQ(downsample_indices(y, 10).size(), 10u);  // short enough: untouched
  std::vector<double> big(100000, 1.0);
  big[54321] = 100;  // a spike must survive
  const auto keep = downsample_indices(big, 1000);
  EXPECT_LE(keep.size(), 1000u);
  EXPECT_EQ(keep.front(), 0u);
  EXPECT_EQ(keep.back(), 99999u);
  EXPECT_NE(std::find(keep.begin(), keep.end(), 54321u), keep.end());
  for (size_t i = 1; i < keep.size(); ++i) EXPECT_LT(keep[i - 1], keep[i]);
}

}  // namespace
}  // namespace grpo
