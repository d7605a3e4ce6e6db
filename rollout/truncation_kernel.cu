// Top-k / top-p as a per-row threshold instead of a sort. The kept set of rollout/sampler.h is an upper
// set of values: with z_v = l_v / T,
//   top-k:  keep z_v >= kth, the k-th largest z (ties at kth kept);
//   top-p:  over the top-k set with weights w_v = exp(z_v - max z), keep z_v while the weight of the
//           strictly larger values M(z_v) = Σ_{z_u > z_v} w_u is < top_p · Σ w  (the largest always kept).
// Both thresholds are weighted quantiles from the top: the largest value t of the row with
// W(z >= t) >= target (count k; weight P = top_p · Σ w, since the next smaller value has M = W(z >= t)).
// One block per row finds t by a radix walk over the 32 bits of z's order-preserving key, 11 + 11 + 10
// bits a pass: a histogram of the keys that share the digits chosen so far, then the highest digit where
// the running weight from the top reaches the target. Weights are fixed point (2^40 = the max token) in
// 64-bit integers, so the sums do not depend on the atomics' order: same inputs, same threshold.
#include <math_constants.h>

#include <cstdint>

#include "rollout/truncation_kernel.h"

namespace grpo {
namespace {

constexpr int kThreads = 1024;
constexpr int kMaxBuckets = 2048;
constexpr int kLevels = 3;   // digits of 11, 11 and 10 bits, from the top: bits 31-21, 20-10, 9-0
__device__ __forceinline__ int digit_shift(int level) { return level == 0 ? 21 : level == 1 ? 10 : 0; }
__device__ __forceinline__ int digit_bits(int level) { return level == 2 ? 10 : 11; }
constexpr float kFixedOne = 1099511627776.0f;   // 2^40: the row's largest weight exp(0)

// Floats map to uint32 in the same order (negative: flip every bit; positive: flip the sign); -0 is
// taken as +0 first so that the two zeros are one value, as float comparison has them.
__device__ __forceinline__ uint32_t order_key(float z) {
  const uint32_t b = __float_as_uint(z == 0.0f ? 0.0f : z);
  return b ^ (b >> 31 ? 0xffffffffu : 0x80000000u);
}
__device__ __forceinline__ float key_value(uint32_t key) {
  return __uint_as_float(key ^ (key >> 31 ? 0x80000000u : 0xffffffffu));
}

// Calls fn(z) for every scaled logit of the row: 16-byte loads when the row is aligned, then the rest.
// z is rounded once (__fmul_rn), as the chain's fp32 multiply and the sampler kernel, so that the
// threshold compares equal to the sampler's z bit for bit.
template <class T, class Fn> __device__ void for_each_z(const T* logits, int V, float inv_t, Fn&& fn) {
  constexpr int kVec = 16 / sizeof(T);
  const int vectors = reinterpret_cast<uintptr_t>(logits) % 16 == 0 ? V / kVec : 0;
  for (int i = threadIdx.x; i < vectors; i += kThreads) {
    union {
      uint4 raw;
      T e[kVec];
    } chunk;
    chunk.raw = reinterpret_cast<const uint4*>(logits)[i];
#pragma unroll
    for (int j = 0; j < kVec; ++j) fn(__fmul_rn(to_float(chunk.e[j]), inv_t));
  }
  for (int v = vectors * kVec + threadIdx.x; v < V; v += kThreads) fn(__fmul_rn(to_float(logits[v]), inv_t));
}

struct Shared {
  unsigned long long weight[kMaxBuckets];
  uint32_t count[kMaxBuckets];
  unsigned long long warp_total[kThreads / 32];
  float warp_max[kThreads / 32];
  int chosen_digit;
  unsigned long long chosen_above;
};

__device__ float block_max(float x, Shared& s) {
  for (int o = 16; o > 0; o >>= 1) x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, o));
  if (threadIdx.x % 32 == 0) s.warp_max[threadIdx.x / 32] = x;
  __syncthreads();
  float m = s.warp_max[0];
  for (int w = 1; w < kThreads / 32; ++w) m = fmaxf(m, s.warp_max[w]);
  __syncthreads();
  return m;
}

// Exclusive prefix sum over the block's threads in thread order.
__device__ unsigned long long block_exclusive_sum(unsigned long long x, Shared& s) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  unsigned long long inclusive = x;
  for (int o = 1; o < 32; o <<= 1) {
    const unsigned long long y = __shfl_up_sync(0xffffffffu, inclusive, o);
    if (lane >= o) inclusive += y;
  }
  if (lane == 31) s.warp_total[warp] = inclusive;
  __syncthreads();
  unsigned long long before = 0;
  for (int w = 0; w < warp; ++w) before += s.warp_total[w];
  __syncthreads();
  return before + inclusive - x;
}

// The largest key t among the row's keys >= floor_key with W(key >= t) >= target, where W counts keys
// (kWeighted = false; target = count) or sums the fixed-point weights exp(z - max_z) (target = ceil of
// fraction · the weight of all those keys, known after the first histogram). With row_max, the first
// pass also returns the row's max z. Returns false when no key reaches the target (then the caller keeps
// every token).
template <bool kWeighted, class T>
__device__ bool select_key(const T* logits, int V, float inv_t, uint32_t floor_key, float max_z, unsigned long long count,
                           double fraction, Shared& s, uint32_t& out, float* row_max = nullptr) {
  uint32_t prefix = 0, prefix_mask = 0;
  unsigned long long above = 0, target = count;   // above: W of the keys above the digits chosen so far
  for (int level = 0; level < kLevels; ++level) {
    const int shift = digit_shift(level), buckets = 1 << digit_bits(level);
    for (int b = threadIdx.x; b < buckets; b += kThreads) s.weight[b] = 0, s.count[b] = 0;
    __syncthreads();
    float m = -CUDART_INF_F;
    for_each_z(logits, V, inv_t, [&](float z) {
      if (row_max && level == 0) m = fmaxf(m, z);
      const uint32_t key = order_key(z);
      if (key < floor_key || (key & prefix_mask) != prefix) return;
      const uint32_t digit = (key >> shift) & (buckets - 1);
      atomicAdd(&s.count[digit], 1u);
      if constexpr (kWeighted) {
        const float w = expf(z - max_z) * kFixedOne;
        if (w >= 0.5f) atomicAdd(&s.weight[digit], static_cast<unsigned long long>(__float2ull_rn(w)));
      }
    });
    if (row_max && level == 0) *row_max = block_max(m, s);
    __syncthreads();
    // Thread t holds the digits buckets-1-2t and buckets-2-2t: thread order is descending digit order.
    unsigned long long mine[2] = {0, 0};
    int digit[2] = {-1, -1};
    for (int j = 0; j < 2; ++j) {
      const int d = buckets - 1 - 2 * static_cast<int>(threadIdx.x) - j;
      if (d < 0) continue;
      digit[j] = d;
      mine[j] = kWeighted ? s.weight[d] : s.count[d];
    }
    const unsigned long long before = above + block_exclusive_sum(mine[0] + mine[1], s);
    if (kWeighted && level == 0) {   // the warps' totals are still in s.warp_total
      unsigned long long total = 0;
      for (int w = 0; w < kThreads / 32; ++w) total += s.warp_total[w];
      target = static_cast<unsigned long long>(ceil(fraction * static_cast<double>(total)));
    }
    if (threadIdx.x == 0) s.chosen_digit = -1;
    __syncthreads();
    // The running weight only grows down the digits, so the answer is the first present digit at or
    // after the crossing: the largest candidate digit.
    unsigned long long acc = before;
    for (int j = 0; j < 2; ++j) {
      if (digit[j] < 0) continue;
      if (s.count[digit[j]] > 0 && acc + mine[j] >= target) {
        atomicMax(&s.chosen_digit, digit[j]);
        break;
      }
      acc += mine[j];
    }
    __syncthreads();
    const int chosen = s.chosen_digit;
    if (chosen < 0) return false;   // uniform across the block: every thread read the same value
    // The owner of the chosen digit knows the weight above it.
    acc = before;
    for (int j = 0; j < 2; ++j) {
      if (digit[j] == chosen) s.chosen_above = acc;
      acc += mine[j];
    }
    __syncthreads();
    above = s.chosen_above;
    prefix |= static_cast<uint32_t>(chosen) << shift;
    prefix_mask |= static_cast<uint32_t>(buckets - 1) << shift;
    __syncthreads();   // s is rewritten by the next level
  }
  out = prefix;
  return true;
}

template <class T> __global__ void __launch_bounds__(kThreads) truncation_kernel(TruncationArgs a) {
  __shared__ Shared s;
  const int64_t r = blockIdx.x;
  const T* logits = static_cast<const T*>(a.logits) + r * a.row_stride;
  const int V = static_cast<int>(a.vocab);
  const float inv_t = a.inv_temperature[r];
  const bool use_k = a.top_k[r] < a.vocab, use_p = a.top_p[r] < 1.0f;
  if (a.greedy[r] || (!use_k && !use_p)) {
    if (threadIdx.x == 0) a.keep_from[r] = -CUDART_INF_F;
    return;
  }
  uint32_t keep_key = 0;   // the smallest key: every token
  float m = -CUDART_INF_F;
  if (use_k) {
    if (!select_key<false>(logits, V, inv_t, 0u, 0.0f, static_cast<unsigned long long>(a.top_k[r]), 0.0, s, keep_key, &m))
      keep_key = 0;
  } else if (use_p) {
    for_each_z(logits, V, inv_t, [&](float z) { m = fmaxf(m, z); });
    m = block_max(m, s);
  }
  uint32_t p_key = 0;
  if (use_p && m != -CUDART_INF_F && select_key<true>(logits, V, inv_t, keep_key, m, 0, a.top_p[r], s, p_key))
    keep_key = max(keep_key, p_key);
  if (threadIdx.x == 0) a.keep_from[r] = keep_key == 0 ? -CUDART_INF_F : key_value(keep_key);
}

template <class T> void launch_typed(const TruncationArgs& a, cudaStream_t stream) {
  truncation_kernel<T><<<static_cast<unsigned>(a.rows), kThreads, 0, stream>>>(a);
}

}  // namespace

void launch_truncation_threshold(const TruncationArgs& args, cudaStream_t stream) {
  if (args.rows == 0) return;
  with_kernel_type(args.dtype, [&](auto t) { launch_typed<decltype(t)>(args, stream); });
}

}  // namespace grpo
