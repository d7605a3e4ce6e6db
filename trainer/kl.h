// KL penalty between the policy and the frozen reference model, per token.
#pragma once
#include <ATen/core/Tensor.h>

namespace grpo {

// k3 estimator of KL(π_θ ‖ π_ref) (DeepSeekMath arXiv:2402.03300 Eq. 4; Schulman, "Approximating
// KL Divergence", 2020):   KL_t = exp(ref_t − logp_t) − (ref_t − logp_t) − 1   (≥ 0, unbiased
// when tokens are sampled from π_θ). logp, logp_ref: [N, T] -> [N, T].
at::Tensor kl_k3(const at::Tensor& logp, const at::Tensor& logp_ref);

}  // namespace grpo
