// Fused Gumbel-max sampler: one block per row reads the row's logits once (twice for min-p rows) and
// draws with the tensor chain's hash noise (rollout/noise_hash.h, shared with the CPU specification),
// computing the noise's two logarithms only for tokens that might still win (consider_sampled):
//   z_v = l_v * inv_T;   logprob = z_tok - max z - log Σ_v exp(z_v - max z)   (online max / sum-exp)
//   keep_v = z_v >= keep_from (top-k / top-p, truncation_kernel.cu) and z_v - max z >= log min_p;
//   token = argmax_{kept v} z_v - log E_v   (greedy: argmax z)
// Ties go to the lowest index and a NaN score wins, as torch's argmax. Allocates nothing, never syncs.
#include <math_constants.h>

#include <climits>
#include <cstdint>
#include <limits>

#include "rollout/float_order_key.cuh"
#include "rollout/noise_hash.h"
#include "rollout/sampler_kernel.h"
#include "src/tensor/block_reduce.cuh"
#include "src/tensor/dependent_launch.cuh"

namespace grpo {
namespace {

constexpr unsigned kFullMask = 0xffffffffu;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();   // usable in host-side initialisers
// The cut below rejects a token when 1 - U > 1.01 exp(z - W); then log E >= log(1 - U) > z - W +
// log 1.01, so its score z - log E is below W by 0.00995: far more than the rounding of the score (a
// few ulps), of the exponent z log2(e) + c (about (|z| + |W|) 2^-24) and of ex2.approx (2^-22).
constexpr float kLog2e = 1.4426950408889634f;
constexpr float kLog2CutMargin = 0.014355292977070041f;   // log2(1.01)
// score = z - log E <= z + 16.636 (noise_hash.h): a token with z + kHeadroom < W scores below W
// without its hash being drawn. The test runs once per load of kVec tokens, on their largest z: peaked
// logits (a trained model) skip almost every load's hashes this way, and near-flat rows pay one test per
// load instead of one per token.
constexpr float kHeadroom = 16.7f;

// 2^x as one MUFU.EX2 (subnormal results flush to 0, which never matters here).
__device__ __forceinline__ float exp2_fast(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}

// max(a, b) that returns NaN when either is NaN (fmaxf drops a NaN): a NaN z must never be skipped.
__device__ __forceinline__ float max_keep_nan(float a, float b) {
#if __CUDA_ARCH__ >= 800
  float d;
  asm("max.NaN.f32 %0, %1, %2;" : "=f"(d) : "f"(a), "f"(b));
  return d;
#else
  return a != a || b != b ? CUDART_NAN_F : fmaxf(a, b);
#endif
}

// Running (max m, Σ exp(z - m)) of a set of z; the empty set is (-inf, 0).
struct MaxSum {
  float m, s;
};

// Folds N values into (m, s): one rescale by the largest, then N independent exps (ILP), each one FMA
// and one ex2.approx: relative error about 2^-21, far inside the log-prob's tolerance (the token never
// depends on it).
template <int N> __device__ __forceinline__ void push(MaxSum& a, const float (&z)[N]) {
  float top = z[0];
#pragma unroll
  for (int j = 1; j < N; ++j) top = fmaxf(top, z[j]);
  if (top > a.m) {
    a.s = a.m == -CUDART_INF_F ? 0.0f : a.s * exp2_fast((a.m - top) * kLog2e);
    a.m = top;
  }
  if (a.m == -CUDART_INF_F) return;   // an all -inf prefix: -inf - -inf would be NaN
  const float m_log2e = a.m * kLog2e;
#pragma unroll
  for (int j = 0; j < N; ++j) a.s += exp2_fast(fmaf(z[j], kLog2e, -m_log2e));
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

__device__ MaxSum block_merge(MaxSum a, MaxSum* shared) {
  return block_reduce(a, shared, MaxSum{-CUDART_INF_F, 0.0f}, [](MaxSum x) { return warp_merge(x); });
}

__device__ Best block_argmax(Best a, Best* shared) {
  return block_reduce(a, shared, Best{-CUDART_INF_F, INT_MAX}, [](Best x) { return warp_argmax(x); });
}

// The largest of the warp's best scores: as order keys, one redux.sync finds it (a NaN stays NaN).
__device__ __forceinline__ float warp_best_score(float s) {
  uint32_t key = float_order_key(s);
#if __CUDA_ARCH__ >= 800
  key = __reduce_max_sync(kFullMask, key);
#else
  for (int offset = 16; offset > 0; offset >>= 1) key = max(key, __shfl_xor_sync(kFullMask, key, offset));
#endif
  return float_from_order_key(key);
}

// Folds token v (scaled logit z) into the thread's best Gumbel-max score z - log E. W is a score some
// token of the warp already has, so a token scoring below W cannot be the row's winner: the final
// argmax sees the same winner whether or not v is folded in. The cut keeps only tokens within 1% of
// beating W (about 1 in 32·j on the warp's j-th pass for near-uniform logits) and computes the two
// logarithms of the CPU specification for those alone; a NaN z or W is never cut. (A token the load's
// headroom test let through with z + kHeadroom < W is always cut: 1 - U >= 2^-24 > 1.01 e^-16.7.)
// cut_offset = log2(1.01) - W log2(e), so 2^(z log2(e) + cut_offset) = 1.01 exp(z - W).
__device__ __forceinline__ void consider_sampled(Best& best, float z, int v, float cut_offset, uint32_t row,
                                                 uint32_t lo) {
  const uint32_t bits = noise_hash::token_bits(row, lo, static_cast<uint32_t>(v));
  if (noise_hash::one_minus_uniform(bits) > exp2_fast(fmaf(z, kLog2e, cut_offset))) return;
  const float s = z - noise_hash::log_exponential(bits);
  if (beats(s, v, best)) best = {s, v};
}

// What a pass does with each token: nothing (the sum-only pass of min-p rows), greedy argmax z, or the
// Gumbel-max draw (kFiltered: only over the tokens top-k / top-p and min-p keep). may_win(z) sees each
// load's z first and says whether any of them can still win. round_end runs on every lane after each
// round of the pass, so warp-collective work (warp_best_score) sees full warps.
struct NoVisit {
  template <int N> __device__ bool may_win(const float (&)[N]) const { return false; }
  __device__ void operator()(float, int) {}
  __device__ void round_end() {}
};

struct GreedyVisit {
  Best best{kNegInf, INT_MAX};
  template <int N> __device__ bool may_win(const float (&)[N]) const { return true; }
  __device__ void operator()(float z, int v) {
    if (beats(z, v, best)) best = {z, v};
  }
  __device__ void round_end() {}
};

template <bool kFiltered>
struct SampledVisit {
  uint32_t row, lo;
  float min_rel;     // keep z - max z >= min_rel (min-p); -inf keeps every token
  float max_z;       // the row's max z (min-p rows only)
  float keep_from;   // keep z >= keep_from (top-k / top-p); -inf keeps every token, NaN included
  Best best{kNegInf, INT_MAX};
  float W = kNegInf;
  float cut_offset = -kNegInf;   // log2(1.01) - W log2(e)
  // Every z + kHeadroom < W exactly when the largest one is (rounding is monotonic); NaN never is.
  template <int N> __device__ bool may_win(const float (&z)[N]) const {
    float top = z[0];
#pragma unroll
    for (int j = 1; j < N; ++j) top = max_keep_nan(top, z[j]);
    return !(top + kHeadroom < W);
  }
  __device__ void operator()(float z, int v) {
    if (!kFiltered ||
        ((keep_from == -CUDART_INF_F || z >= keep_from) && (min_rel == -CUDART_INF_F || z - max_z >= min_rel)))
      consider_sampled(best, z, v, cut_offset, row, lo);
  }
  __device__ void round_end() {
    W = warp_best_score(best.score);
    cut_offset = kLog2CutMargin - W * kLog2e;
  }
};

// One pass over the row: 16-byte loads of kVec elements per thread and round when the row is
// aligned, then the remainder one element per thread. z is rounded once (__fmul_rn: never contracted
// into an FMA), as the chain's fp32 multiply, so the min-p test and the score see its z bit for bit.
template <class T, int kThreads, bool kSum, class Visit>
__device__ void scan_row(const T* logits, int V, float inv_t, MaxSum& ms, Visit& visit) {
  constexpr int kVec = 16 / sizeof(T);
  const int vectors = reinterpret_cast<uintptr_t>(logits) % 16 == 0 ? V / kVec : 0;
  for (int base = 0; base < vectors; base += kThreads) {
    const int i = base + static_cast<int>(threadIdx.x);
    if (i < vectors) {
      union {
        uint4 raw;
        T e[kVec];
      } chunk;
      chunk.raw = reinterpret_cast<const uint4*>(logits)[i];
      float z[kVec];
#pragma unroll
      for (int j = 0; j < kVec; ++j) z[j] = __fmul_rn(to_float(chunk.e[j]), inv_t);
      if constexpr (kSum) push(ms, z);
      if (visit.may_win(z)) {
#pragma unroll
        for (int j = 0; j < kVec; ++j) visit(z[j], i * kVec + j);
      }
    }
    visit.round_end();
  }
  for (int base = vectors * kVec; base < V; base += kThreads) {
    const int v = base + static_cast<int>(threadIdx.x);
    if (v < V) {
      const float z[1] = {__fmul_rn(to_float(logits[v]), inv_t)};
      if constexpr (kSum) push(ms, z);
      if (visit.may_win(z)) visit(z[0], v);
    }
    visit.round_end();
  }
}

template <class T, int kThreads>
__global__ void __launch_bounds__(kThreads) fused_sampler_kernel(FusedSamplerArgs a) {
  start_after_prior_kernel();
  __shared__ MaxSum sums[33];
  __shared__ Best bests[33];
  const int64_t r = blockIdx.x;
  const T* logits = static_cast<const T*>(a.logits) + r * a.row_stride;
  const int V = static_cast<int>(a.vocab);
  const float inv_t = a.inv_temperature[r];
  const bool greedy = a.greedy[r];
  // As the chain: min-p only when the batch has it, and never for greedy rows (they take argmax z).
  const float log_min_p = a.apply_min_p && !greedy ? a.log_min_p[r] : -CUDART_INF_F;
  const float keep_from = a.keep_from != nullptr && !greedy ? a.keep_from[r] : -CUDART_INF_F;
  const auto lo = static_cast<uint32_t>(a.keys[2 * r]), hi = static_cast<uint32_t>(a.keys[2 * r + 1]);

  MaxSum ms{-CUDART_INF_F, 0.0f};
  // One pass: the sum-exp and the visit's pick together.
  const auto one_pass = [&](auto visit) {
    scan_row<T, kThreads, true>(logits, V, inv_t, ms, visit);
    ms = block_merge(ms, sums);
    return visit.best;
  };
  Best best;
  if (greedy) {
    best = one_pass(GreedyVisit{});
  } else {
    const uint32_t row = noise_hash::row_hash(lo, hi, static_cast<uint32_t>(a.steps[r]));
    if (log_min_p == -CUDART_INF_F && keep_from == -CUDART_INF_F) {   // the draw over every token
      best = one_pass(SampledVisit<false>{row, lo, log_min_p, 0.0f, keep_from});
    } else if (log_min_p == -CUDART_INF_F) {   // the draw over the tokens top-k / top-p keep
      best = one_pass(SampledVisit<true>{row, lo, log_min_p, 0.0f, keep_from});
    } else {                            // min-p needs max z before the first keep test
      SampledVisit<true> d{row, lo, log_min_p, 0.0f, keep_from};
      NoVisit none;
      scan_row<T, kThreads, true>(logits, V, inv_t, ms, none);
      ms = block_merge(ms, sums);
      d.max_z = ms.m;
      scan_row<T, kThreads, false>(logits, V, inv_t, ms, d);
      best = d.best;
    }
  }
  best = block_argmax(best, bests);
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
  // Large vocabularies: the per-token work (hash noise, an exp, the cut) makes the kernel bound by
  // arithmetic latency, not bandwidth, so it wants every thread slot of an SM busy: 1024 threads (about
  // 150 tokens each at V = 151,936), two blocks per SM. Small vocabularies need only a few warps.
  if (a.vocab >= 16384) {
    launch_dependent(fused_sampler_kernel<T, 1024>, grid, 1024, 0, stream, a);
  } else if (a.vocab >= 2048) {
    launch_dependent(fused_sampler_kernel<T, 256>, grid, 256, 0, stream, a);
  } else {
    launch_dependent(fused_sampler_kernel<T, 64>, grid, 64, 0, stream, a);
  }
}

}  // namespace

void launch_fused_sampler(const FusedSamplerArgs& args, cudaStream_t stream) {
  if (args.rows == 0) return;
  with_kernel_type(args.dtype, [&](auto t) { launch_typed<decltype(t)>(args, stream); });
}

}  // namespace grpo
