// Hash-based Exp(1) noise. All tensor arithmetic stays below 2^63: values are 32-bit words held in
// int64, and a 32x32-bit multiply is split into two 32x16-bit products (each < 2^48) so that signed
// overflow never happens and CPU and CUDA give bit-identical words.
#include "rollout/gumbel_noise.h"

#include <torch/torch.h>

namespace grpo {
namespace {

constexpr uint32_t kGolden = 0x9E3779B9u;   // 2^32 / golden ratio: spreads consecutive counters
constexpr uint32_t kMix1 = 0x85EBCA6Bu, kMix2 = 0xC2B2AE35u;  // murmur3 fmix32 constants
constexpr uint32_t kTokenMul = 0x27D4EB2Fu;
constexpr int64_t kMask32 = 0xFFFFFFFFLL;

uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= kMix1;
  h ^= h >> 13;
  h *= kMix2;
  h ^= h >> 16;
  return h;
}

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

// row = fmix32(fmix32(lo + step * golden) ^ hi); bits = fmix32(fmix32(row ^ (token+1) * c) + lo)
uint32_t noise_bits(const NoiseKey& key, int64_t step, int64_t token) {
  const uint32_t lo = static_cast<uint32_t>(key.lo), hi = static_cast<uint32_t>(key.hi);
  const uint32_t row = fmix32(fmix32(lo + static_cast<uint32_t>(step) * kGolden) ^ hi);
  return fmix32(fmix32(row ^ (static_cast<uint32_t>(token + 1) * kTokenMul)) + lo);
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

at::Tensor log_exponential_noise(const at::Tensor& keys, const at::Tensor& steps, int64_t vocab) {
  const auto bits = noise_bits_tensor(keys, steps, vocab);
  // 24 bits are exact in fp32; U never reaches 0 or 1, so E is finite and positive.
  const auto u = (torch::bitwise_right_shift(bits, 8).to(torch::kFloat) + 0.5f) * (1.0f / 16777216.0f);
  return torch::log(-torch::log(u));
}

}  // namespace grpo
