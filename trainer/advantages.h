// Group-relative advantages: the critic-free baseline that makes GRPO what it is.
//
// Shape letters used throughout trainer/:
//   B = prompts per batch, G = completions per prompt (group size), N = B*G sequences,
//   T = response tokens (padded), V = vocabulary. mask[N, T] is 1 on real response tokens.
#pragma once
#include <ATen/core/Tensor.h>

#include <string>

namespace grpo {

enum class RewardScaling { kGroup, kBatch, kNone };
RewardScaling parse_reward_scaling(const std::string& name);  // "group" | "batch" | "none"

struct AdvantageOptions {
  RewardScaling scale = RewardScaling::kGroup;
  bool leave_one_out = false;  // RLOO baseline instead of the group mean
  double eps = 1e-4;           // added to the std before dividing (TRL's value)
};

struct AdvantageStats {
  double frac_zero_std = 0;  // fraction of groups whose rewards are all equal (no learning signal)
  double reward_std_mean = 0;
};

struct AdvantageOutput {
  at::Tensor advantages;  // [B, G], float32
  AdvantageStats stats;
};

// GRPO (DeepSeekMath, arXiv:2402.03300, §4.1.2, outcome supervision):
//   Â_i = (r_i − mean(r_1..r_G)) / (std(r_1..r_G) + eps),   the same Â_i for every token of o_i.
// std is the unbiased (Bessel-corrected) sample std, as in TRL's GRPOTrainer; with G = 1 it is 0.
//   scale = batch: divide by the std over all N rewards instead (Dr. GRPO discussion, TRL "batch").
//   scale = none:  no division (Dr. GRPO, arXiv:2503.20783 §3.1: the std term biases towards
//                  too-easy and too-hard questions).
//   leave_one_out: baseline b_i = (Σ_j r_j − r_i)/(G − 1) (RLOO, Ahmadian et al., arXiv:2402.14740,
//                  Eq. 4); scaling applies to r_i − b_i as above.
// NaN rewards (unscorable samples) are left out of the mean and std and get advantage 0.
// rewards [B, G] -> advantages [B, G]
AdvantageOutput group_advantages(const at::Tensor& rewards, const AdvantageOptions& opts);

}  // namespace grpo
