// The GRPO per-token objective: clipped importance-weighted advantage plus the KL penalty.
// Aggregation over tokens and sequences is separate (trainer/aggregate.h).
#pragma once
#include <ATen/core/Tensor.h>

namespace grpo {

struct ClipOptions {
  double eps_low = 0.2;      // ρ is clipped below at 1 − eps_low
  double eps_high = 0.2;     // ... and above at 1 + eps_high; eps_high > eps_low is DAPO clip-higher
  double dual_clip_c = 0.0;  // > 1 enables dual clip for Â < 0 (Ye et al. arXiv:1912.09729 Eq. 5); 0 = off
  double ratio_cap = 0.0;    // > 0 caps the unclipped ratio at this value (TRL `delta`); 0 = off
  double beta = 0.0;         // KL coefficient; 0 = no reference model
};

struct PolicyLossInputs {
  at::Tensor logp;        // [N, T] log π_θ of the sampled tokens (requires grad)
  at::Tensor logp_old;    // [N, T] log π_θ_old; undefined means "same policy" (logp.detach())
  at::Tensor logp_ref;    // [N, T] log π_ref; required when beta > 0
  at::Tensor advantages;  // [N] one advantage per sequence (broadcast over its tokens)
  at::Tensor mask;        // [N, T] 1 on response tokens
  at::Tensor is_weights;  // [N, T] optional truncated importance weights (rollout vs trainer), detached
};

// Sums over masked tokens (0-dim tensors, no host sync): divide by `tokens` for means.
struct PolicyLossStats {
  at::Tensor tokens;       // Σ mask
  at::Tensor clip_low;     // ρ < 1 − eps_low and Â < 0
  at::Tensor clip_high;    // ρ > 1 + eps_high and Â > 0
  at::Tensor clip_region;  // either
  at::Tensor ratio;        // Σ ρ
  at::Tensor kl;           // Σ KL_t (0 when beta = 0)
};

struct PolicyLossOutput {
  at::Tensor per_token_loss;  // [N, T], zero is NOT applied on padding: aggregate with the mask
  PolicyLossStats stats;
};

// Per-token clipped surrogate with KL penalty (DeepSeekMath arXiv:2402.03300 Eq. 3):
//   ρ_t = exp(logp_t − logp_old_t)
//   ℓ_t = −min(ρ_t·Â, clip(ρ_t, 1−eps_low, 1+eps_high)·Â) · w_t + β·KL_t
// with w_t the optional truncated IS weight and KL_t the k3 estimator (kl.h). Dual clip replaces
// ℓ_t by min(ℓ_t, −c·Â) where Â < 0 (verl's clip_ratio_c), bounding the loss of very large ρ.
PolicyLossOutput clipped_policy_loss(const PolicyLossInputs& in, const ClipOptions& opts);

}  // namespace grpo
