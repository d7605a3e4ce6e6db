// Fused Gumbel-max sampler: one block per row reads the row's logits once (twice for min-p rows) and
// draws with the tensor chain's hash noise (rollout/noise_hash.h, shared with the CPU specification):
//   z_v = l_v * inv_T;   logprob = z_tok - max z - log Σ_v exp(z_v - max z)   (online max / sum-exp)
//   keep_v = z_v - max z >= log min_p;   token = argmax_{kept v} z_v - log E_v   (greedy: argmax z)
// Ties go to the lowest index and a NaN score wins, as torch's argmax. Allocates nothing, never syncs.
#include <math_constants.h>

#include <climits>

#include "rollout/noise_hash.h"
#include "rollout/sampler_kernel.h"

namespace grpo {
namespace {

constexpr unsigned kFullMask = 0xffffffffu;
// score = z - log E <= z + 16.636 (noise_hash.h). A token with z + kHeadroom below the thread's best
// score can neither win nor tie, so its hash and two logs are skipped; 17 covers the rounding of z + 17.
constexpr float kHeadroom = 17.0f;

// Running (max m, Σ exp(z - m)) of a set of z; the empty set is (-inf, 0).
struct MaxSum {
  float m, s;
};

__device__ __forceinline__ MaxSum push(MaxSum a, float z) {
  if (z > a.m) return {z, a.s * expf(a.m - z) + 1.0f};    // a.m = -inf: 0 * 0 + 1
  if (a.m != -CUDART_INF_F) a.s += expf(z - a.m);        // skips -inf - -inf = NaN on an all -inf prefix
  return a;
}

__device__ __forceinline__ MaxSum merge(MaxSum a, MaxSum b) {
  const float m = fmaxf(a.m, b.m);
  if (m == -CUDART_INF_F) return {m, 0.0f};
  return {m, a.s * expf(a.m - m) + b.s * expf(b.m - m)};
}

struct Best {
  float score;
  int index;
};

// Does (s, i) come before b in torch's argmax order? NaN is the largest; ties go to the lower index.
__device__ __forceinline__ bool beats(float s, int i, const Best& b) {
  if (isnan(s)) return !isnan(b.score) || i < b.index;
  return s > b.score || (s == b.score && i < b.index);
}

__device__ __forceinline__ MaxSum warp_merge(MaxSum a) {
  for (int offset = 16; offset > 0; offset >>= 1)
    a = merge(a, {__shfl_xor_sync(kFullMask, a.m, offset), __shfl_xor_sync(kFullMask, a.s, offset)});
  return a;
}

__device__ __forceinline__ Best warp_argmax(Best a) {
  for (int offset = 16; offset > 0; offset >>= 1) {
    const float s = __shfl_xor_sync(kFullMask, a.score, offset);
    const int i = __shfl_xor_sync(kFullMask, a.index, offset);
    if (beats(s, i, a)) a = {s, i};
  }
  return a;
}

// Block-wide reduction by `warp_reduce`; every thread gets the result, lanes past the last warp read
// `identity`. Each shared array is used once per kernel, so no barrier is needed before it is written.
template <int kThreads, class T, class WarpReduce>
__device__ T block_reduce(T a, T* shared, T identity, WarpReduce warp_reduce) {
  a = warp_reduce(a);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) shared[warp] = a;
  __syncthreads();
  if (warp == 0) {
    a = warp_reduce(lane < kThreads / 32 ? shared[lane] : identity);
    if (lane == 0) shared[32] = a;   // a slot no lane reads above
  }
  __syncthreads();
  return shared[32];
}

template <int kThreads> __device__ MaxSum block_merge(MaxSum a, MaxSum* shared) {
  return block_reduce<kThreads>(a, shared, MaxSum{-CUDART_INF_F, 0.0f}, [](MaxSum x) { return warp_merge(x); });
}

template <int kThreads> __device__ Best block_argmax(Best a, Best* shared) {
  return block_reduce<kThreads>(a, shared, Best{-CUDART_INF_F, INT_MAX}, [](Best x) { return warp_argmax(x); });
}

// Folds token v with scaled logit z into the thread's best score. greedy: score = z.
__device__ __forceinline__ void consider(Best& best, float z, int v, bool greedy, uint32_t row, uint32_t lo) {
  if (greedy) {
    if (beats(z, v, best)) best = {z, v};
    return;
  }
  if (z + kHeadroom < best.score) return;
  const float s = z - noise_hash::log_exponential(noise_hash::token_bits(row, lo, static_cast<uint32_t>(v)));
  if (beats(s, v, best)) best = {s, v};
}

template <class T, int kThreads>
__global__ void __launch_bounds__(kThreads) fused_sampler_kernel(FusedSamplerArgs a) {
  __shared__ MaxSum sums[33];
  __shared__ Best bests[33];
  const int64_t r = blockIdx.x;
  const T* logits = static_cast<const T*>(a.logits) + r * a.row_stride;
  const int V = static_cast<int>(a.vocab);
  const float inv_t = a.inv_temperature[r];
  const bool greedy = a.greedy[r];
  // As the chain: min-p only when the batch has it, and never for greedy rows (they take argmax z).
  const float log_min_p = a.apply_min_p && !greedy ? a.log_min_p[r] : -CUDART_INF_F;
  const auto lo = static_cast<uint32_t>(a.keys[2 * r]), hi = static_cast<uint32_t>(a.keys[2 * r + 1]);
  const uint32_t row = noise_hash::row_hash(lo, hi, static_cast<uint32_t>(a.steps[r]));

  // __fmul_rn: z is rounded once, as the chain's fp32 multiply, and never contracted into an FMA with
  // the subtractions below (the min-p test and the score must see the chain's z bit for bit).
  MaxSum ms{-CUDART_INF_F, 0.0f};
  Best best{-CUDART_INF_F, INT_MAX};
  if (log_min_p == -CUDART_INF_F) {   // one pass: sum-exp and argmax together
    for (int v = threadIdx.x; v < V; v += kThreads) {
      const float z = __fmul_rn(to_float(logits[v]), inv_t);
      ms = push(ms, z);
      consider(best, z, v, greedy, row, lo);
    }
    ms = block_merge<kThreads>(ms, sums);
  } else {                             // min-p needs max z before the first keep test
    for (int v = threadIdx.x; v < V; v += kThreads) ms = push(ms, __fmul_rn(to_float(logits[v]), inv_t));
    ms = block_merge<kThreads>(ms, sums);
    for (int v = threadIdx.x; v < V; v += kThreads) {
      const float z = __fmul_rn(to_float(logits[v]), inv_t);
      if (z - ms.m >= log_min_p) consider(best, z, v, false, row, lo);
    }
  }
  best = block_argmax<kThreads>(best, bests);
  if (threadIdx.x == 0) {
    // A row whose every score is -inf (all masked) reaches here with index 0, as torch's argmax.
    const int tok = best.index < V ? best.index : 0;
    const float z_tok = __fmul_rn(to_float(logits[tok]), inv_t);
    a.tokens[r] = tok;
    a.logprobs[r] = (z_tok - ms.m) - logf(ms.s);   // log_softmax: (z - max) - log Σ exp(z - max)
  }
}

template <class T> void launch_typed(const FusedSamplerArgs& a, cudaStream_t stream) {
  const auto grid = static_cast<unsigned>(a.rows);
  // Large vocabularies: the per-token work (hash noise, two logs, an exp) makes the kernel bound by
  // arithmetic latency, not bandwidth, so it wants every thread slot of an SM busy: 1024 threads (about
  // 150 tokens each at V = 151,936), two blocks per SM. Small vocabularies need only a few warps.
  if (a.vocab >= 16384) {
    fused_sampler_kernel<T, 1024><<<grid, 1024, 0, stream>>>(a);
  } else if (a.vocab >= 2048) {
    fused_sampler_kernel<T, 256><<<grid, 256, 0, stream>>>(a);
  } else {
    fused_sampler_kernel<T, 64><<<grid, 64, 0, stream>>>(a);
  }
}

}  // namespace

void launch_fused_sampler(const FusedSamplerArgs& args, cudaStream_t stream) {
  if (args.rows == 0) return;
  with_kernel_type(args.dtype, [&](auto t) { launch_typed<decltype(t)>(args, stream); });
}

}  // namespace grpo
