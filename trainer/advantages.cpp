// Group-relative advantages (see advantages.h for the equations and conventions).
#include "trainer/advantages.h"

#include <torch/torch.h>

#include "src/util/error.h"

namespace grpo {
namespace {

// Unbiased std over `dim` ignoring NaNs; 0 where fewer than 2 values are present.
torch::Tensor nan_std(const torch::Tensor& x, std::optional<int64_t> dim) {
  const auto valid = ~torch::isnan(x);
  const auto count = dim ? valid.sum(*dim, true).to(torch::kFloat) : valid.sum().to(torch::kFloat);
  const auto mean = dim ? torch::nanmean(x, *dim, true) : torch::nanmean(x);
  const auto sq = torch::where(valid, (x - mean).pow(2), torch::zeros_like(x));
  const auto sum_sq = dim ? sq.sum(*dim, true) : sq.sum();
  return torch::where(count > 1, torch::sqrt(sum_sq / (count - 1).clamp_min(1)), torch::zeros_like(count));
}

}  // namespace

RewardScaling parse_reward_scaling(const std::string& name) {
  if (name == "group") return RewardScaling::kGroup;
  if (name == "batch") return RewardScaling::kBatch;
  if (name == "none") return RewardScaling::kNone;
  fail("unknown reward scaling '{}'. HINT: use group, batch or none", name);
}

AdvantageOutput group_advantages(const at::Tensor& rewards_in, const AdvantageOptions& opts) {
  TORCH_CHECK(rewards_in.dim() == 2, "group_advantages: rewards must be [B, G], got ", rewards_in.sizes());
  const auto rewards = rewards_in.to(torch::kFloat);
  const int64_t G = rewards.size(1);
  const auto valid = ~torch::isnan(rewards);
  const auto filled = torch::where(valid, rewards, torch::zeros_like(rewards));
  const auto count = valid.sum(1, true).to(torch::kFloat);

  torch::Tensor baseline;
  if (opts.leave_one_out) {
    TORCH_CHECK(G >= 2, "group_advantages: leave_one_out needs G >= 2, got G = ", G);
    baseline = (filled.sum(1, true) - filled) / (count - 1).clamp_min(1);
  } else {
    baseline = filled.sum(1, true) / count.clamp_min(1);
  }
  auto advantages = rewards - baseline;

  const auto group_std = nan_std(rewards, 1);  // [B, 1]
  if (opts.scale == RewardScaling::kGroup) {
    advantages = advantages / (group_std + opts.eps);
  } else if (opts.scale == RewardScaling::kBatch) {
    advantages = advantages / (nan_std(rewards, std::nullopt) + opts.eps);
  }
  advantages = torch::where(valid, advantages, torch::zeros_like(advantages));

  AdvantageOutput out;
  out.advantages = advantages;
  out.stats.frac_zero_std = group_std.abs().lt(1e-8).to(torch::kFloat).mean().item<double>();
  out.stats.reward_std_mean = group_std.mean().item<double>();
  return out;
}

}  // namespace grpo
