// The hash behind the Gumbel noise (rollout/gumbel_noise.h), as scalar functions that compile for the
// host and, inside nvcc, for the device: gumbel_noise.cpp (the specification) and sampler_kernel.cu
// share this one definition, so CPU and GPU draw bit-identical bits. Torch-free; no state.
#pragma once
#include <math.h>

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define GRPO_HOST_DEVICE __host__ __device__
#else
#define GRPO_HOST_DEVICE
#endif

namespace grpo::noise_hash {

constexpr uint32_t kGolden = 0x9E3779B9u;   // 2^32 / golden ratio: spreads consecutive counters
constexpr uint32_t kMix1 = 0x85EBCA6Bu, kMix2 = 0xC2B2AE35u;  // murmur3 fmix32 constants
constexpr uint32_t kTokenMul = 0x27D4EB2Fu;
constexpr float kInv2Pow23 = 1.0f / 8388608.0f;

GRPO_HOST_DEVICE inline uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= kMix1;
  h ^= h >> 13;
  h *= kMix2;
  h ^= h >> 16;
  return h;
}

// Per (sequence, step): row = fmix32(fmix32(lo + step * golden) ^ hi).
GRPO_HOST_DEVICE inline uint32_t row_hash(uint32_t lo, uint32_t hi, uint32_t step) {
  return fmix32(fmix32(lo + step * kGolden) ^ hi);
}

// Per token: bits = fmix32(fmix32(row ^ (token + 1) * c) + lo).
GRPO_HOST_DEVICE inline uint32_t token_bits(uint32_t row, uint32_t lo, uint32_t token) {
  return fmix32(fmix32(row ^ ((token + 1u) * kTokenMul)) + lo);
}

// log E, E = -log U, U = (bits >> 9 + 0.5) / 2^23: exact in fp32 and strictly inside (0, 1), so
// log E lies in [log(-log(1 - 2^-24)), log(24 ln 2)] ≈ [-16.636, 2.812] (see gumbel_noise.h).
GRPO_HOST_DEVICE inline float log_exponential(uint32_t bits) {
  const float u = (static_cast<float>(bits >> 9) + 0.5f) * kInv2Pow23;
  return logf(-logf(u));
}

// 1 - U of the same U, exactly. Since E = -log U >= 1 - U, it bounds log E from below without a
// logarithm (sampler_kernel.cu's cut). No int-to-float conversion: f = 1 + k 2^-23 is assembled from the
// bits, 2 - f is exact (Sterbenz), and 1 - U = (2 - f) - 2^-24 = (2^24 - 2k - 1) 2^-24 has 24
// significant bits.
GRPO_HOST_DEVICE inline float one_minus_uniform(uint32_t bits) {
  const uint32_t f_bits = 0x3f800000u | (bits >> 9);
#if defined(__CUDA_ARCH__)
  const float f = __uint_as_float(f_bits);
#else
  float f;
  std::memcpy(&f, &f_bits, sizeof f);
#endif
  return (2.0f - f) - 0x1p-24f;
}

}  // namespace grpo::noise_hash
