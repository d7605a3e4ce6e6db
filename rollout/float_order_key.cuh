// Floats as uint32 keys in the same order, for integer max reductions and radix walks over floats
// (sampler_kernel.cu, truncation_kernel.cu). Device code only.
#pragma once
#include <cstdint>

namespace grpo {

// Negative floats flip every bit, positive ones flip the sign. -0 is taken as +0 first, so the two zeros
// are one key, as float comparison has them. A NaN maps past +-inf and comes back NaN.
__device__ __forceinline__ uint32_t float_order_key(float z) {
  const uint32_t b = __float_as_uint(z == 0.0f ? 0.0f : z);
  return b ^ (b >> 31 ? 0xffffffffu : 0x80000000u);
}

__device__ __forceinline__ float float_from_order_key(uint32_t key) {
  return __uint_as_float(key ^ (key >> 31 ? 0x80000000u : 0xffffffffu));
}

}  // namespace grpo
