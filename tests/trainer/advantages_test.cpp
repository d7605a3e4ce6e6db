// Group-relative advantages against hand-computed values (derivations in the comments).
#include "trainer/advantages.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

namespace grpo {
namespace {

TEST(Advantages, GroupScalingUsesUnbiasedStd) {
  // Rewards {1, 0, 0, 1}: mean 0.5, unbiased std sqrt((4·0.25)/3) = sqrt(1/3) ≈ 0.57735,
  // so Â = ±0.5/(0.57735 + 1e-4) ≈ ±0.86588. (The population std would give ±1: this pins ours.)
  const auto out = group_advantages(torch::tensor({{1.0, 0.0, 0.0, 1.0}}), AdvantageOptions{});
  const double expected = 0.5 / (std::sqrt(1.0 / 3.0) + 1e-4);
  EXPECT_NEAR(out.advantages[0][0].item<double>(), expected, 1e-6);
  EXPECT_NEAR(out.advantages[0][1].item<double>(), -expected, 1e-6);
  EXPECT_EQ(out.stats.frac_zero_std, 0.0);
}

TEST(Advantages, ConstantGroupGivesZeroAndIsCounted) {
  const auto out = group_advantages(torch::tensor({{1.0, 1.0, 1.0}, {0.0, 1.0, 2.0}}), AdvantageOptions{});
  EXPECT_EQ(out.advantages[0].abs().sum().item<double>(), 0.0);
  // Second group: mean 1, unbiased std 1 -> Â = (−1, 0, 1)/(1 + 1e-4).
  EXPECT_NEAR(out.advantages[1][2].item<double>(), 1.0 / 1.0001, 1e-6);
  EXPECT_DOUBLE_EQ(out.stats.frac_zero_std, 0.5);
}

TEST(Advantages, NoneAndBatchScaling) {
  const auto rewards = torch::tensor({{0.0, 2.0}, {4.0, 6.0}});
  AdvantageOptions none;
  none.scale = RewardScaling::kNone;
  // Dr. GRPO: r − group mean = (−1, 1) in both groups.
  EXPECT_TRUE(torch::allclose(group_advantages(rewards, none).advantages, torch::tensor({{-1.0, 1.0}, {-1.0, 1.0}})));
  AdvantageOptions batch;
  batch.scale = RewardScaling::kBatch;
  // Batch std of {0, 2, 4, 6}: mean 3, Σ(x−3)² = 20, unbiased var 20/3 -> std 2.5820.
  const double s = std::sqrt(20.0 / 3.0) + 1e-4;
  EXPECT_NEAR(group_advantages(rewards, batch).advantages[1][1].item<double>(), 1.0 / s, 1e-6);
}

TEST(Advantages, LeaveOneOutBaseline) {
  // RLOO, rewards {1, 0, 0}: baselines (0+0)/2 = 0, (1+0)/2 = 0.5, 0.5 -> r − b = (1, −0.5, −0.5).
  AdvantageOptions rloo;
  rloo.leave_one_out = true;
  rloo.scale = RewardScaling::kNone;
  EXPECT_TRUE(torch::allclose(group_advantages(torch::tensor({{1.0, 0.0, 0.0}}), rloo).advantages,
                              torch::tensor({{1.0, -0.5, -0.5}})));
}

TEST(Advantages, NanRewardsAreLeftOut) {
  // {1, NaN, 0}: mean over {1, 0} = 0.5, unbiased std sqrt(0.5) -> Â = ±0.5/(0.70711 + 1e-4); NaN -> 0.
  const auto out = group_advantages(torch::tensor({{1.0, std::numeric_limits<double>::quiet_NaN(), 0.0}}), AdvantageOptions{});
  EXPECT_NEAR(out.advantages[0][0].item<double>(), 0.5 / (std::sqrt(0.5) + 1e-4), 1e-6);
  EXPECT_EQ(out.advantages[0][1].item<double>(), 0.0);
}

TEST(Advantages, ShapeErrors) {
  EXPECT_THROW(group_advantages(torch::zeros({4}), AdvantageOptions{}), c10::Error);
  AdvantageOptions rloo;
  rloo.leave_one_out = true;
  EXPECT_THROW(group_advantages(torch::zeros({2, 1}), rloo), c10::Error);
}

}  // namespace
}  // namespace grpo
