// Hash-based Exp(1) noise. All tensor arithmetic stays below 2^63: values are 32-bit words held in
// int64, and a 32x32-bit multiply is split into two 32x16-bit products (each < 2^48) so that signed
// overflow never happens and CPU and CUDA give bit-identical words.
#include "rollout/gumbel_noise.h"

#include <torch/torch.h>

#include "rollout/noise_hash.h"

namespace grpo {
namespace {

using noise_hash::kGolden;
using noise_hash::kMix1;
using noise_hash::kMix2;
using noise_hash::kTokenMul;
constexpr int64_t kMask32 = 0xFFFFFFFFLL;

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// (x * c) mod 2^32 for int64 tensors holding x in [0, 2^32).
at::Tensor mul32(const at::Tensor& x, uint32_t c) {
  const int64_t lo = c & 0xFFFF, hi = c >> 16;
  return (x * lo + torch::bitwise_left_shift(torch::bitwise_and(x * hi, 0xFFFF), 16)).bitwise_and(kMask32);
}

at::Tensor fmix32(at::Tensor h) {
  h = h.bitwise_xor(torch::bitwise_right_shift(h, 16));
  h = mul32(h, kMix1);
  h = h.bitwise_xor(torch::bitwise_right_shift(h, 13));
  h = mul32(h, kMix2);
  return h.bitwise_xor(torch::bitwise_right_shift(h, 16));
}

}  // namespace

NoiseKey sequence_noise_key(uint64_t seed, int64_t prompt_index, int64_t sample_index) {
  // Chained, not XOR-combined: splitmix64(seed) ^ splitmix64(x) would collide for (seed, x) = (a, b) and (b, a).
  const uint64_t k = splitmix64(splitmix64(splitmix64(seed) + static_cast<uint64_t>(prompt_index)) +
                                static_cast<uint64_t>(sample_index));
  return NoiseKey{static_cast<int64_t>(k & 0xFFFFFFFFull), static_cast<int64_t>(k >> 32)};
}

uint32_t noise_bits(const NoiseKey& key, int64_t step, int64_t token) {
  const uint32_t lo = static_cast<uint32_t>(key.lo), hi = static_cast<uint32_t>(key.hi);
  return noise_hash::token_bits(noise_hash::row_hash(lo, hi, static_cast<uint32_t>(step)), lo,
                                static_cast<uint32_t>(token));
}

at::Tensor noise_bits_tensor(const at::Tensor& keys, const at::Tensor& steps, int64_t vocab) {
  TORCH_CHECK(keys.dim() == 2 && keys.size(1) == 2, "noise_bits_tensor: keys must be [B, 2], got ", keys.sizes());
  TORCH_CHECK(steps.dim() == 1 && steps.size(0) == keys.size(0), "noise_bits_tensor: steps must be [B], got ",
              steps.sizes());
  const auto lo = keys.select(1, 0).unsqueeze(1), hi = keys.select(1, 1).unsqueeze(1);   // [B, 1]
  const auto step32 = steps.bitwise_and(kMask32).unsqueeze(1);
  auto row = fmix32(fmix32((lo + mul32(step32, kGolden)).bitwise_and(kMask32)).bitwise_xor(hi));  // [B, 1]
  const auto token = torch::arange(1, vocab + 1, keys.options()).unsqueeze(0);                      // [1, V]
  auto bits = fmix32(row.bitwise_xor(mul32(token, kTokenMul)));                                      // [B, V]
  return fmix32((bits + lo).bitwise_and(kMask32));
}

// k + 0.5 with k < 2^23 is exact in fp32 and 2^-23 is a power of two, so U is exact and lies strictly
// inside (0, 1): E is finite and positive.
float log_exponential_of_bits(uint32_t bits) { return noise_hash::log_exponential(bits); }

at::Tensor log_exponential_of_bits(const at::Tensor& bits) {
  const auto u = (torch::bitwise_right_shift(bits, 9).to(torch::kFloat) + 0.5f) * noise_hash::kInv2Pow23;
  return torch::log(-torch::log(u));
}

at::Tensor log_exponential_noise(const at::Tensor& keys, const at::Tensor& steps, int64_t vocab) {
  return log_exponential_of_bits(noise_bits_tensor(keys, steps, vocab));
}

}  // namespace grpo
