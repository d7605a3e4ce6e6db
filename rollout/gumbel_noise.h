// Counter-based exponential noise for Gumbel-max sampling. The noise of token v when sequence
// (seed, prompt, sample) draws its t-th token is a pure hash of (key, t, v): no generator state, so a
// completion does not depend on batch composition, slot assignment or how many steps run between host
// syncs, and a CUDA graph can replay it. Used by rollout/sampler.cpp only; never touches logits.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace grpo {

// 64-bit key of one sequence, split into two 32-bit words (kept in int64 so tensor ops stay exact).
struct NoiseKey {
  int64_t lo = 0, hi = 0;
};
NoiseKey sequence_noise_key(uint64_t seed, int64_t prompt_index, int64_t sample_index);

// 32 random bits of (key, step, token): murmur3's fmix32 finaliser applied to the three words. The
// scalar form is the specification; noise_bits_tensor computes the same bits with int64 tensor ops.
uint32_t noise_bits(const NoiseKey& key, int64_t step, int64_t token);
// keys [B, 2] int64 (lo, hi), steps [B] int64 -> bits [B, V] int64 in [0, 2^32).
at::Tensor noise_bits_tensor(const at::Tensor& keys, const at::Tensor& steps, int64_t vocab);

// log E with E ~ Exp(1): E = -log U, U = (top 23 bits + 0.5) / 2^23 in [2^-24, 1 - 2^-24]. Gumbel-max
// then draws token argmax_v (z_v - log E_v), which is distributed as softmax(z) (E_v i.i.d. Exp(1)).
// 23 bits, not 24: k + 0.5 must be exact in fp32 (24 mantissa bits), else k = 2^24 - 1 rounds to U = 1,
// log E = -inf and that token wins the argmax (about 1% of draws at V = 151,936).
// keys [B, 2], steps [B] -> [B, V] fp32.
at::Tensor log_exponential_noise(const at::Tensor& keys, const at::Tensor& steps, int64_t vocab);
// The same map on given bits ([...] int64 in [0, 2^32) -> fp32), and its scalar specification, which
// rollout/sampler_kernel.cu computes with the same fp32 operations.
at::Tensor log_exponential_of_bits(const at::Tensor& bits);
float log_exponential_of_bits(uint32_t bits);

}  // namespace grpo
