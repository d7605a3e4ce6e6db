// Top-k / top-p as a per-row threshold instead of a sort. The kept set of rollout/sampler.h is an upper
// set of values: with z_v = l_v / T,
//   top-k:  keep z_v >= kth, the k-th largest z (ties at kth kept);
//   top-p:  over the top-k set with weights w_v = exp(z_v - max z), keep z_v while the weight of the
//           strictly larger values M(z_v) = Σ_{z_u > z_v} w_u is < top_p · Σ w  (the largest always kept).
// Both thresholds are weighted quantiles from the top: the largest value t of the row with
// W(z >= t) >= target (count k; weight P = top_p · Σ w, since the next smaller value has M = W(z >= t)).
// One block per row finds t by a radix walk over the 32 bits of z's order-preserving key, 11 + 11 + 10
// bits a level: a histogram of the keys that share the digits chosen so far, then the highest digit where
// the running weight from the top reaches the target. Weights are fixed point (2^40 = the max token) in
// 64-bit integers, so the sums do not depend on the atomics' order: same inputs, same threshold.
// Reading the row is the cost (311 MB a pass at B = 1024, V = 151,936, bf16), so after the first level
// the few candidates left (usually hundreds) move to shared memory and the remaining levels read them
// there: two passes over the row for top-k (+ top-p), three for top-p alone.
#include <math_constants.h>

#include <cstdint>

#include "rollout/float_order_key.cuh"
#include "rollout/truncation_kernel.h"
#include "src/tensor/block_reduce.cuh"
#include "src/tensor/dependent_launch.cuh"

namespace grpo {
namespace {

constexpr int kThreads = 1024;
constexpr int kBuckets = 2048;                 // the widest digit
constexpr int kLevels = 3;                     // key digits of 11, 11 and 10 bits: bits 31-21, 20-10, 9-0
constexpr int kListCapacity = 4096;            // candidates kept in shared memory
constexpr float kFixedOne = 1099511627776.0f;  // 2^40: the row's largest weight exp(0)
constexpr float kLightest = 28.5f;             // z < max z - 28.42: the weight rounds to 0 (2^40 e^-28.42 = 0.5)

__device__ __forceinline__ int digit_shift(int level) { return level == 0 ? 21 : level == 1 ? 10 : 0; }
__device__ __forceinline__ int digit_count(int level) { return level == 2 ? 1024 : 2048; }

// exp(z - max z) in units of 2^-40; 0 below 0.5 units and for NaN.
__device__ __forceinline__ unsigned long long fixed_weight(float z, float max_z) {
  const float w = expf(z - max_z) * kFixedOne;
  return w >= 0.5f ? __float2ull_rn(w) : 0ull;
}

// The row's scaled logits: 16-byte loads when the row is aligned, then the rest. z is rounded once
// (__fmul_rn), as the chain's fp32 multiply and the sampler kernel, so the threshold compares equal to the
// sampler's z bit for bit.
template <class T>
struct RowZ {
  const T* logits;
  int V;
  float inv_t;
  template <class Fn>
  __device__ void for_each(Fn&& fn) const {
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
};

// Candidates gathered in shared memory.
struct ListZ {
  const float* z;
  int n;
  template <class Fn>
  __device__ void for_each(Fn&& fn) const {
    for (int i = threadIdx.x; i < n; i += kThreads) fn(z[i]);
  }
};

struct Shared {
  unsigned long long weight[kBuckets];
  uint32_t count[kBuckets];
  float list[kListCapacity];
  unsigned long long warp_total[kThreads / 32];
  float warp_max[33];  // block_reduce's slots
  int chosen_digit, list_size;
  unsigned long long chosen_above;
};

__device__ float block_max(float x, Shared& s) {
  return block_reduce(x, s.warp_max, -CUDART_INF_F, [](float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
  });
}

// Exclusive prefix sum over the block's threads in thread order; afterwards s.warp_total holds each
// warp's sum until the next call.
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

__device__ void clear_histogram(Shared& s) {
  for (int b = threadIdx.x; b < kBuckets; b += kThreads) s.weight[b] = 0, s.count[b] = 0;
  __syncthreads();
}

// The walk's state: digits chosen so far (prefix under mask), the weight of the values above them, and
// the weight the walk must reach.
struct Walk {
  uint32_t prefix = 0, mask = 0;
  unsigned long long above = 0, target = 0;
};

// From the histogram in s (`buckets` digits; a higher digit holds larger values): the highest present
// digit d with w.above + W(digits >= d) >= w.target. With fraction > 0 the target is first set to
// ceil(fraction · (w.above + the histogram's total)). Returns the digit (-1: none) and moves w.above to
// the weight above it; *in_bucket gets the chosen digit's count.
template <bool kWeighted>
__device__ int choose_digit(int buckets, Walk& w, double fraction, Shared& s, uint32_t* in_bucket) {
  // Thread t holds the digits buckets-1-2t and buckets-2-2t: thread order is descending digit order.
  unsigned long long mine[2] = {0, 0};
  int digit[2] = {-1, -1};
  for (int j = 0; j < 2; ++j) {
    const int d = buckets - 1 - 2 * static_cast<int>(threadIdx.x) - j;
    if (d < 0) continue;
    digit[j] = d;
    mine[j] = kWeighted ? s.weight[d] : s.count[d];
  }
  const unsigned long long before = w.above + block_exclusive_sum(mine[0] + mine[1], s);
  if (fraction > 0) {
    unsigned long long total = w.above;
    for (int i = 0; i < kThreads / 32; ++i) total += s.warp_total[i];
    w.target = static_cast<unsigned long long>(ceil(fraction * static_cast<double>(total)));
  }
  if (threadIdx.x == 0) s.chosen_digit = -1;
  __syncthreads();
  // The running weight only grows down the digits, so the answer is the first present digit at or after
  // the crossing: the largest candidate digit.
  unsigned long long acc = before;
  for (int j = 0; j < 2; ++j) {
    if (digit[j] < 0) continue;
    if (s.count[digit[j]] > 0 && acc + mine[j] >= w.target) {
      atomicMax(&s.chosen_digit, digit[j]);
      break;
    }
    acc += mine[j];
  }
  __syncthreads();
  const int chosen = s.chosen_digit;
  if (chosen < 0) return -1;  // uniform across the block: every thread read the same value
  acc = before;               // the owner of the chosen digit knows the weight above it
  for (int j = 0; j < 2; ++j) {
    if (digit[j] == chosen) s.chosen_above = acc;
    acc += mine[j];
  }
  __syncthreads();
  w.above = s.chosen_above;
  if (in_bucket) *in_bucket = s.count[chosen];
  __syncthreads();  // the histogram is cleared next
  return chosen;
}

// One level of the key walk over src's keys >= floor_key that share the walk's prefix. With row_max the
// pass also returns the max z of everything src holds.
template <bool kWeighted, class Src>
__device__ bool key_level(const Src& src, Walk& w, int level, uint32_t floor_key, float max_z, double fraction,
                          Shared& s, uint32_t* in_bucket = nullptr, float* row_max = nullptr) {
  const int shift = digit_shift(level), buckets = digit_count(level);
  clear_histogram(s);
  float m = -CUDART_INF_F;
  src.for_each([&](float z) {
    if (row_max) m = fmaxf(m, z);
    const uint32_t key = float_order_key(z);
    if (key < floor_key || (key & w.mask) != w.prefix) return;
    const uint32_t digit = (key >> shift) & (buckets - 1);
    atomicAdd(&s.count[digit], 1u);
    if constexpr (kWeighted) {
      if (const auto weight = fixed_weight(z, max_z)) atomicAdd(&s.weight[digit], weight);
    }
  });
  if (row_max) *row_max = block_max(m, s);
  __syncthreads();
  const int chosen = choose_digit<kWeighted>(buckets, w, fraction, s, in_bucket);
  if (chosen < 0) return false;
  w.prefix |= static_cast<uint32_t>(chosen) << shift;
  w.mask |= static_cast<uint32_t>(buckets - 1) << shift;
  return true;
}

// The remaining levels; fraction applies to a walk that starts at level 0.
template <bool kWeighted, class Src>
__device__ bool key_walk(const Src& src, Walk& w, int from_level, uint32_t floor_key, float max_z, double fraction,
                         Shared& s) {
  for (int level = from_level; level < kLevels; ++level)
    if (!key_level<kWeighted>(src, w, level, floor_key, max_z, level == 0 ? fraction : 0.0, s)) return false;
  return true;
}

// src's values that pass `keep`, into s.list (the caller has counted them: at most kListCapacity).
template <class Src, class Keep>
__device__ ListZ gather(const Src& src, Keep keep, Shared& s) {
  if (threadIdx.x == 0) s.list_size = 0;
  __syncthreads();
  src.for_each([&](float z) {
    if (keep(z)) s.list[atomicAdd(&s.list_size, 1)] = z;
  });
  __syncthreads();
  return ListZ{s.list, s.list_size};
}

// Top-p's first level when top-k is off: 2048 buckets of equal width in z over [max(min z, max z - 28.5),
// max z], highest digit for the largest values. The key's top bits would put a near-flat row into a few
// exponent buckets, where every atomic collides; equal widths spread it. Tokens of weight 0 go nowhere:
// the walk never stops on them, as the target is at most the total weight.
__device__ __forceinline__ int value_digit(float z, float max_z, float scale) {
  if (fixed_weight(z, max_z) == 0) return -1;
  return kBuckets - 1 - static_cast<int>(fminf(floorf((max_z - z) * scale), kBuckets - 1));
}

// Top-p alone: returns the key of the threshold, or false to keep every token.
template <class T>
__device__ bool top_p_key(const RowZ<T>& row, double top_p, Shared& s, uint32_t& out) {
  float m = -CUDART_INF_F, lo = CUDART_INF_F;
  row.for_each([&](float z) { m = fmaxf(m, z), lo = fminf(lo, z); });
  m = block_max(m, s);
  lo = -block_max(-lo, s);
  if (m == -CUDART_INF_F || isnan(m)) return false;
  const float range = m - fmaxf(lo, m - kLightest);
  const float scale = range > 0.0f ? (kBuckets - 1) / range : 0.0f;
  clear_histogram(s);
  row.for_each([&](float z) {
    const int d = value_digit(z, m, scale);
    if (d < 0) return;
    atomicAdd(&s.count[d], 1u);
    atomicAdd(&s.weight[d], fixed_weight(z, m));
  });
  __syncthreads();
  Walk w;
  uint32_t in_bucket = 0;
  const int chosen = choose_digit<true>(kBuckets, w, top_p, s, &in_bucket);
  if (chosen < 0) return false;
  if (in_bucket <= kListCapacity) {
    // The chosen bucket's values are below everything of w.above: finish among them.
    const ListZ list = gather(
        row, [&](float z) { return value_digit(z, m, scale) == chosen; }, s);
    if (!key_walk<true>(list, w, 0, 0u, m, 0.0, s)) return false;  // w: no digits yet, above and target set
    out = w.prefix;
    return true;
  }
  Walk full;  // a bucket too full to gather (a row of many equal values): walk the whole row
  if (!key_walk<true>(row, full, 0, 0u, m, top_p, s)) return false;
  out = full.prefix;
  return true;
}

// Top-k's walk over src from `from_level` on, then top-p's over src's keys at or above top-k's threshold;
// returns the larger key (0: keep every token). src holds every key of the top-k set.
template <class Src>
__device__ uint32_t finish_top_k(const Src& src, Walk k, int from_level, bool use_p, float max_z, double top_p,
                                 Shared& s) {
  uint32_t key = 0;
  if (key_walk<false>(src, k, from_level, 0u, 0.0f, 0.0, s)) key = k.prefix;
  Walk p;
  if (use_p && max_z != -CUDART_INF_F && key_walk<true>(src, p, 0, key, max_z, top_p, s)) key = max(key, p.prefix);
  return key;
}

template <class T>
__global__ void __launch_bounds__(kThreads) truncation_kernel(TruncationArgs a) {
  start_after_prior_kernel();
  __shared__ Shared s;
  const int64_t r = blockIdx.x;
  const RowZ<T> row{static_cast<const T*>(a.logits) + r * a.row_stride, static_cast<int>(a.vocab),
                    a.inv_temperature[r]};
  const bool use_k = a.top_k[r] < a.vocab, use_p = a.top_p[r] < 1.0f;
  if (a.greedy[r] || (!use_k && !use_p)) {
    if (threadIdx.x == 0) a.keep_from[r] = -CUDART_INF_F;
    return;
  }
  uint32_t keep_key = 0;  // the smallest key: every token
  if (!use_k) {
    top_p_key(row, a.top_p[r], s, keep_key);
  } else {
    Walk k;
    k.target = static_cast<unsigned long long>(a.top_k[r]);
    uint32_t in_bucket = 0;
    float m = -CUDART_INF_F;
    if (key_level<false>(row, k, 0, 0u, 0.0f, 0.0, s, &in_bucket, &m)) {
      if (k.above + in_bucket <= kListCapacity) {  // keys whose top digit is >= the chosen one: gather them
        const uint32_t top_digit = k.prefix;
        const ListZ list = gather(
            row, [&](float z) { return float_order_key(z) >= top_digit; }, s);
        Walk again;
        again.target = k.target;
        keep_key = finish_top_k(list, again, 0, use_p, m, a.top_p[r], s);
      } else {
        keep_key = finish_top_k(row, k, 1, use_p, m, a.top_p[r], s);
      }
    }
  }
  if (threadIdx.x == 0) a.keep_from[r] = keep_key == 0 ? -CUDART_INF_F : float_from_order_key(keep_key);
}

template <class T>
void launch_typed(const TruncationArgs& a, cudaStream_t stream) {
  launch_dependent(truncation_kernel<T>, static_cast<unsigned>(a.rows), kThreads, 0, stream, a);
}

}  // namespace

void launch_truncation_threshold(const TruncationArgs& args, cudaStream_t stream) {
  if (args.rows == 0) return;
  with_kernel_type(args.dtype, [&](auto t) { launch_typed<decltype(t)>(args, stream); });
}

}  // namespace grpo
