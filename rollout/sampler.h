// The sampler chain on a [B, V] logits tensor with per-row parameters, as tensor ops (no host sync):
//   z = logits / T;  logprob = log_softmax(z)[token]   (the policy's log-prob, before truncation)
//   keep = top-k(z) ∩ top-p(top-k-renormalised softmax) ∩ {p_i >= min_p · p_max}   (HF warper order);
//   top-k keeps z >= the k-th largest z, top-p keeps z_i while the mass of the values > z_i is < top_p,
//   so ties at either boundary are kept whole and the kept set is {z >= a per-row threshold}
//   token = argmax_v (z_v masked to keep) - log E_v,  E_v ~ Exp(1) from rollout/gumbel_noise.h
// Greedy rows take argmax z. Called by the engine once per step; knows nothing of slots or stops.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <vector>

#include "rollout/gumbel_noise.h"
#include "rollout/sampling_params.h"

namespace grpo {

// Per-row parameters of one batch, on the logits' device. Built on the host when the batch changes;
// between changes only `steps` moves (on device: advance_steps).
struct SamplerRows {
  at::Tensor inv_temperature;  // [B] fp32; 1 for T = 0 rows (their log-probs are those of T = 1)
  at::Tensor top_k;            // [B] int64; V when off
  at::Tensor top_p;            // [B] fp32
  at::Tensor log_min_p;        // [B] fp32; -inf when off
  at::Tensor greedy;           // [B] bool
  at::Tensor keys;             // [B, 2] int64 noise keys
  at::Tensor steps;            // [B] int64: index of the token being drawn within its completion
  bool any_sorted_truncation = false;  // some row uses top-k or top-p (host flag: skips the sort)
  bool any_min_p = false;
  int64_t size() const { return steps.defined() ? steps.size(0) : 0; }
};

// One row per sequence: params[i], its noise key and the index of the next token it draws.
SamplerRows make_sampler_rows(const std::vector<const SamplingParams*>& params, const std::vector<NoiseKey>& keys,
                              const std::vector<int64_t>& steps, int64_t vocab, const c10::Device& device);
// Rows `index` (a [B'] int64 tensor on the device) of `rows`, in that order.
SamplerRows select_rows(const SamplerRows& rows, const at::Tensor& index);
SamplerRows concat_rows(const SamplerRows& a, const SamplerRows& b);
void advance_steps(SamplerRows& rows);  // steps += 1, on device

struct SampledTokens {
  at::Tensor tokens;    // [B] int64
  at::Tensor logprobs;  // [B] fp32: log_softmax(logits / T) of the drawn token
};

// logits [B, V] (any float dtype; computed in fp32). On CUDA, fused kernels replace the chain
// (rollout/truncation_kernel.cu for top-k / top-p, rollout/sampler_kernel.cu for the draw): same tokens
// up to last-ulp differences of the log-sum-exp and of the noise's log on near-ties, and of top-p's mass
// (fixed point on CUDA, a float cumsum in the chain) when a value's mass-before is within rounding of
// top_p; no host sync either way.
SampledTokens sample_tokens(const at::Tensor& logits, const SamplerRows& rows);
// The tensor-op chain on any device: the CPU path, and the oracle of the fused kernel.
SampledTokens sample_tokens_reference(const at::Tensor& logits, const SamplerRows& rows);

// The kept set as a [B, V] bool mask (exposed for tests and for the GPU kernel's oracle).
at::Tensor truncation_mask(const at::Tensor& scaled_logits, const SamplerRows& rows);
// CUDA only: each row's top-k / top-p threshold on the scaled logits z = logits / T, as the fused
// sampler applies it (keep z >= threshold; -inf: the row keeps everything). Exposed for tests.
at::Tensor truncation_thresholds(const at::Tensor& logits, const SamplerRows& rows);

}  // namespace grpo
