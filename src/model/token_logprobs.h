// Per-token log-probabilities of target ids (and optionally the entropy of the next-token
// distribution) from final hidden states, computed in chunks of tokens so that at most
// [chunk_tokens x V] fp32 logits exist at any time, in forward *and* backward (a custom autograd
// function recomputes each chunk's logits in backward). Called by CausalLM::token_logprobs.
// On CUDA two fused kernels replace the fp32 elementwise passes (token_logprobs.cpp says when).
//   z = h·Wᵀ/τ (model dtype, then fp32);  logp_t = z[target] − logsumexp(z);  H = logsumexp(z) − Σ p·z
#pragma once
#include <ATen/core/Tensor.h>

namespace grpo {

struct TokenLogProbs {
  at::Tensor logprobs;  // [T] fp32
  at::Tensor entropy;   // [T] fp32, undefined unless requested
};

// hidden [T, hidden], lm_head [V, hidden], targets [T] int64 in [0, V). temperature τ > 0: the
// distribution is softmax(z/τ), as the sampler draws from (the rollout's log-probs use the same τ).
// Callers validate targets (no host sync here); one outside [0, V) is never read by the CUDA kernels
// and gets a NaN log-prob there, while the composite's gather raises.
TokenLogProbs chunked_token_logprobs(const at::Tensor& hidden, const at::Tensor& lm_head, const at::Tensor& targets,
                                     bool with_entropy, int64_t chunk_tokens, double temperature = 1.0);
// The ATen composite on any device (differentiable; the reference the fused CUDA path is tested against).
TokenLogProbs chunked_token_logprobs_reference(const at::Tensor& hidden, const at::Tensor& lm_head,
                                               const at::Tensor& targets, bool with_entropy, int64_t chunk_tokens,
                                               double temperature = 1.0);

}  // namespace grpo
