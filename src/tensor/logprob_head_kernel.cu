// Fused log-prob head: one block per token row reads that row's logits once (forward: online max,
// sum-exp and entropy sum; backward: the gradient of the logits, written in the model dtype). Replaces
// the fp32 copies and the ~10 elementwise passes of the ATen composite in token_logprobs.cpp.
// Rows whose stride and base pointer are 16-byte aligned are read 16 bytes at a time.
#include <math_constants.h>

#include <cstdint>
#include <type_traits>

#include "src/tensor/logprob_head_kernel.h"
#include "src/tensor/dependent_launch.cuh"

namespace grpo {
namespace {

constexpr unsigned kFullMask = 0xffffffffu;

// Running statistics of a set of x: m = max x, s = Σ e^{x−m}, u = Σ e^{x−m}(x−m); empty: (−inf, 0, 0).
// Then lse = m + log s and H = lse − Σ p·x = log s − u/s (u is relative to m, so no lse − Σp·x
// cancellation when the logits are large). Moving the reference from m to m' > m multiplies each term
// by c = e^{m−m'} and shifts each (x − m) by d = m − m': s' = c·s, u' = c·(u + d·s).
struct Stats {
  float m, s, u;
};

__device__ __forceinline__ Stats push(Stats a, float x) {
  if (x > a.m) {
    if (a.m == -CUDART_INF_F) return {x, 1.0f, 0.0f};
    const float d = a.m - x, c = expf(d);
    return {x, a.s * c + 1.0f, c * (a.u + d * a.s)};  // the new term adds e^0·0 to u
  }
  if (x == -CUDART_INF_F) return a;  // e^{−inf} = 0 adds nothing (and 0·(−inf) would be NaN)
  const float d = x - a.m, e = expf(d);  // NaN x: NaN here, and NaN in the result, as the composite
  return {a.m, a.s + e, fmaf(e, d, a.u)};
}

__device__ __forceinline__ Stats merge(Stats a, Stats b) {
  const float m = fmaxf(a.m, b.m);
  if (m == -CUDART_INF_F) return {m, 0.0f, 0.0f};
  Stats r{m, 0.0f, 0.0f};
  const auto add = [&](const Stats& x) {
    if (x.m == -CUDART_INF_F) return;
    const float d = x.m - m, c = expf(d);
    r.s += c * x.s;
    r.u += c * (x.u + d * x.s);
  };
  add(a);
  add(b);
  return r;
}

template <int kThreads> __device__ Stats block_merge(Stats a) {
  __shared__ Stats shared[33];
  for (int offset = 16; offset > 0; offset >>= 1)
    a = merge(a, {__shfl_xor_sync(kFullMask, a.m, offset), __shfl_xor_sync(kFullMask, a.s, offset),
                  __shfl_xor_sync(kFullMask, a.u, offset)});
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) shared[warp] = a;
  __syncthreads();
  if (warp == 0) {
    a = lane < kThreads / 32 ? shared[lane] : Stats{-CUDART_INF_F, 0.0f, 0.0f};
    for (int offset = 16; offset > 0; offset >>= 1)
      a = merge(a, {__shfl_xor_sync(kFullMask, a.m, offset), __shfl_xor_sync(kFullMask, a.s, offset),
                    __shfl_xor_sync(kFullMask, a.u, offset)});
    if (lane == 0) shared[32] = a;
  }
  __syncthreads();
  return shared[32];
}

// 16 bytes of elements: 8 bf16/fp16 or 4 fp32.
template <class T> struct alignas(16) Vec {
  static constexpr int kSize = 16 / sizeof(T);
  T v[kSize];
};

// Calls f(k, z_k) for every k of a row of V elements; kVector: 16-byte loads (row 16-byte aligned).
template <class T, int kThreads, bool kVector, class F>
__device__ __forceinline__ void for_row(const T* row, int64_t V, F&& f) {
  int64_t done = 0;
  if constexpr (kVector) {
    constexpr int kSize = Vec<T>::kSize;
    const int64_t vectors = V / kSize;
    const auto* vrow = reinterpret_cast<const Vec<T>*>(row);
    for (int64_t i = threadIdx.x; i < vectors; i += kThreads) {
      const Vec<T> v = vrow[i];
#pragma unroll
      for (int j = 0; j < kSize; ++j) f(i * kSize + j, v.v[j]);
    }
    done = vectors * kSize;
  }
  for (int64_t k = done + threadIdx.x; k < V; k += kThreads) f(k, row[k]);
}

template <class T, int kThreads, bool kVector>
__global__ void __launch_bounds__(kThreads) forward_kernel(LogProbHeadForwardArgs a) {
  start_after_prior_kernel();
  const int64_t r = blockIdx.x;
  const T* row = static_cast<const T*>(a.logits) + r * a.row_stride;
  const float inv_t = a.inv_temperature;
  Stats st{-CUDART_INF_F, 0.0f, 0.0f};
  for_row<T, kThreads, kVector>(row, a.vocab, [&](int64_t, T z) { st = push(st, to_float(z) * inv_t); });
  st = block_merge<kThreads>(st);
  if (threadIdx.x == 0) {
    const float log_s = logf(st.s);
    const float lse = st.m + log_s;
    const int64_t t = a.targets[r];
    a.lse[r] = lse;
    a.logprob[r] = (t >= 0 && t < a.vocab) ? to_float(row[t]) * inv_t - lse : CUDART_NAN_F;
    if (a.entropy != nullptr) a.entropy[r] = log_s - st.u / st.s;
  }
}

template <class T, int kThreads, bool kVector>
__global__ void __launch_bounds__(kThreads) backward_kernel(LogProbHeadBackwardArgs a) {
  start_after_prior_kernel();
  const int64_t r = blockIdx.x;
  const T* row = static_cast<const T*>(a.logits) + r * a.row_stride;
  T* out = static_cast<T*>(a.grad_logits) + r * a.grad_row_stride;
  const float inv_t = a.inv_temperature, lse = a.lse[r];
  const float g_lp = a.g_lp != nullptr ? a.g_lp[r] : 0.0f;
  const float g_h = a.g_ent != nullptr ? a.g_ent[r] : 0.0f;
  const float h = a.g_ent != nullptr ? a.entropy[r] : 0.0f;
  const int64_t t = a.targets[r];  // outside [0, V): no one-hot term, nothing read or written there
  const auto grad = [&](int64_t k, T z) {
    const float logp = to_float(z) * inv_t - lse;
    const float p = expf(logp);
    const float onehot = k == t ? 1.0f : 0.0f;
    return from_float<T>(inv_t * (g_lp * (onehot - p) - g_h * p * (logp + h)));
  };
  int64_t done = 0;
  if constexpr (kVector) {
    constexpr int kSize = Vec<T>::kSize;
    const int64_t vectors = a.vocab / kSize;
    const auto* vin = reinterpret_cast<const Vec<T>*>(row);
    auto* vout = reinterpret_cast<Vec<T>*>(out);
    for (int64_t i = threadIdx.x; i < vectors; i += kThreads) {
      const Vec<T> v = vin[i];
      Vec<T> g;
#pragma unroll
      for (int j = 0; j < kSize; ++j) g.v[j] = grad(i * kSize + j, v.v[j]);
      vout[i] = g;
    }
    done = vectors * kSize;
  }
  for (int64_t k = done + threadIdx.x; k < a.vocab; k += kThreads) out[k] = grad(k, row[k]);
}

bool aligned16(const void* p, int64_t stride_elements, int element_size) {
  return reinterpret_cast<uintptr_t>(p) % 16 == 0 && (stride_elements * element_size) % 16 == 0;
}

// 512 threads at V = 151,936 is ~37 16-byte loads per thread; small vocabularies need few warps.
template <template <class, int, bool> class Kernel, class T, class Args>
void launch_typed(const Args& a, bool vector, cudaStream_t stream) {
  const auto grid = static_cast<unsigned>(a.rows);
  const auto go = [&](auto threads) {
    constexpr int kThreads = decltype(threads)::value;
    if (vector)
      Kernel<T, kThreads, true>::launch(grid, stream, a);
    else
      Kernel<T, kThreads, false>::launch(grid, stream, a);
  };
  if (a.vocab >= 16384)
    go(std::integral_constant<int, 512>{});
  else if (a.vocab >= 2048)
    go(std::integral_constant<int, 256>{});
  else
    go(std::integral_constant<int, 64>{});
}

template <class T, int kThreads, bool kVector> struct Forward {
  static void launch(unsigned grid, cudaStream_t stream, const LogProbHeadForwardArgs& a) {
    launch_dependent(forward_kernel<T, kThreads, kVector>, grid, kThreads, 0, stream, a);
  }
};
template <class T, int kThreads, bool kVector> struct Backward {
  static void launch(unsigned grid, cudaStream_t stream, const LogProbHeadBackwardArgs& a) {
    launch_dependent(backward_kernel<T, kThreads, kVector>, grid, kThreads, 0, stream, a);
  }
};

}  // namespace

void launch_logprob_head_forward(const LogProbHeadForwardArgs& args, cudaStream_t stream) {
  if (args.rows == 0) return;
  with_kernel_type(args.dtype, [&](auto t) {
    using T = decltype(t);
    const bool vector = aligned16(args.logits, args.row_stride, sizeof(T));
    launch_typed<Forward, T>(args, vector, stream);
  });
}

void launch_logprob_head_backward(const LogProbHeadBackwardArgs& args, cudaStream_t stream) {
  if (args.rows == 0) return;
  with_kernel_type(args.dtype, [&](auto t) {
    using T = decltype(t);
    const bool vector = aligned16(args.logits, args.row_stride, sizeof(T)) &&
                        aligned16(args.grad_logits, args.grad_row_stride, sizeof(T));
    launch_typed<Backward, T>(args, vector, stream);
  });
}

}  // namespace grpo
