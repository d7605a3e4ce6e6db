// Fused RMSNorm forward: one block per row, fp32 sum of squares reduced with warp shuffles, then
// y = w * T(x * rsqrt(mean + eps)) — the rounding order of HF's Qwen2RMSNorm (see rms_norm.h).
// Backward: each block walks rows with a grid stride, keeps its columns of the row in registers
// (8 per thread), writes grad_x, and sums grad_w for its rows in registers (one partial row per block).
#include "src/tensor/rms_norm_kernel.h"

#include <cstdint>

#include "src/tensor/block_reduce.cuh"
#include "src/tensor/dependent_launch.cuh"

namespace grpo {
namespace {

constexpr int kPerThread = 8;  // columns per thread in the backward kernel

template <class T>
__global__ void __launch_bounds__(1024)
    rms_norm_kernel(const T* __restrict__ x, const T* __restrict__ w, T* __restrict__ y, float* __restrict__ rstd,
                    int64_t cols, float eps) {
  start_after_prior_kernel();
  const T* row = x + blockIdx.x * cols;
  T* out = y + blockIdx.x * cols;
  __shared__ float scratch[33];
  float sum = 0.f;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    const float v = to_float(row[c]);
    sum += v * v;
  }
  sum = block_sum(sum, scratch);
  const float inv = rsqrtf(sum / static_cast<float>(cols) + eps);
  if (rstd != nullptr && threadIdx.x == 0) rstd[blockIdx.x] = inv;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
    out[c] = from_float<T>(to_float(w[c]) * to_float(from_float<T>(to_float(row[c]) * inv)));
}

// The sum is rounded to T before it is squared, as the composite normalizes the stored T(x + residual).
template <class T>
__global__ void __launch_bounds__(1024)
    add_rms_norm_kernel(const T* __restrict__ x, const T* __restrict__ residual, const T* __restrict__ w,
                        T* __restrict__ s, T* __restrict__ y, int64_t cols, float eps) {
  start_after_prior_kernel();
  const int64_t base = static_cast<int64_t>(blockIdx.x) * cols;
  __shared__ float scratch[33];
  float sum = 0.f;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    const T v = from_float<T>(to_float(x[base + c]) + to_float(residual[base + c]));
    s[base + c] = v;
    sum += to_float(v) * to_float(v);
  }
  sum = block_sum(sum, scratch);
  const float inv = rsqrtf(sum / static_cast<float>(cols) + eps);
  // Each thread reads back only the elements it wrote above: no other thread's writes are involved.
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
    y[base + c] = from_float<T>(to_float(w[c]) * to_float(from_float<T>(to_float(s[base + c]) * inv)));
}

// The same add + norm with 16-byte accesses when a row is whole vectors of kVec elements: each thread
// keeps its vectors of s in registers between the two phases (no read-back), kPer vectors at most.
// The decode step runs it twice per layer on [B, hidden] rows, too short for the scalar loop to reach
// the memory bandwidth.
template <class T, int kPer>
__global__ void __launch_bounds__(1024)
    add_rms_norm_vector_kernel(const T* __restrict__ x, const T* __restrict__ residual, const T* __restrict__ w,
                               T* __restrict__ s, T* __restrict__ y, int vectors, float eps) {
  start_after_prior_kernel();
  constexpr int kVec = 16 / sizeof(T);
  union Chunk {
    uint4 raw;
    T e[kVec];
  };
  const int64_t base = static_cast<int64_t>(blockIdx.x) * vectors;
  const auto* xv = reinterpret_cast<const uint4*>(x) + base;
  const auto* rv = reinterpret_cast<const uint4*>(residual) + base;
  __shared__ float scratch[33];
  Chunk sum_chunk[kPer];
  float sum = 0.f;
#pragma unroll
  for (int k = 0; k < kPer; ++k) {
    const int i = threadIdx.x + k * blockDim.x;
    if (i >= vectors) break;
    Chunk a, b;
    a.raw = xv[i];
    b.raw = rv[i];
#pragma unroll
    for (int j = 0; j < kVec; ++j) {
      sum_chunk[k].e[j] = from_float<T>(to_float(a.e[j]) + to_float(b.e[j]));
      const float v = to_float(sum_chunk[k].e[j]);
      sum += v * v;
    }
    reinterpret_cast<uint4*>(s)[base + i] = sum_chunk[k].raw;
  }
  sum = block_sum(sum, scratch);
  const float inv = rsqrtf(sum / static_cast<float>(vectors * kVec) + eps);
#pragma unroll
  for (int k = 0; k < kPer; ++k) {
    const int i = threadIdx.x + k * blockDim.x;
    if (i >= vectors) break;
    Chunk wc, out;
    wc.raw = reinterpret_cast<const uint4*>(w)[i];
#pragma unroll
    for (int j = 0; j < kVec; ++j)
      out.e[j] = from_float<T>(to_float(wc.e[j]) * to_float(from_float<T>(to_float(sum_chunk[k].e[j]) * inv)));
    reinterpret_cast<uint4*>(y)[base + i] = out.raw;
  }
}

template <class T>
__global__ void __launch_bounds__(1024)
    rms_norm_backward_kernel(const T* __restrict__ x, const T* __restrict__ w, const float* __restrict__ rstd,
                             const T* __restrict__ g, T* __restrict__ grad_x, float* __restrict__ grad_w_partial,
                             int64_t rows, int64_t cols) {
  start_after_prior_kernel();
  __shared__ float scratch[33];
  float wv[kPerThread], acc_w[kPerThread];
#pragma unroll
  for (int k = 0; k < kPerThread; ++k) {
    const int64_t c = threadIdx.x + static_cast<int64_t>(k) * blockDim.x;
    wv[k] = c < cols ? to_float(w[c]) : 0.f;
    acc_w[k] = 0.f;
  }
  const float inv_cols = 1.f / static_cast<float>(cols);
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* xr = x + r * cols;
    const T* gr = g + r * cols;
    const float inv = rstd[r];
    float xhat[kPerThread], gw[kPerThread];
    float dot = 0.f;
#pragma unroll
    for (int k = 0; k < kPerThread; ++k) {
      const int64_t c = threadIdx.x + static_cast<int64_t>(k) * blockDim.x;
      xhat[k] = 0.f, gw[k] = 0.f;
      if (c < cols) {
        const float gv = to_float(gr[c]);
        xhat[k] = to_float(xr[c]) * inv;
        gw[k] = to_float(from_float<T>(gv * wv[k]));        // the composite's grad of T(x̂), in T
        acc_w[k] += gv * to_float(from_float<T>(xhat[k]));  // y = w ⊙ T(x̂): ∂y/∂w = T(x̂)
        dot += xhat[k] * gw[k];
      }
    }
    const float mean_dot = block_sum(dot, scratch) * inv_cols;
    T* dxr = grad_x + r * cols;
#pragma unroll
    for (int k = 0; k < kPerThread; ++k) {
      const int64_t c = threadIdx.x + static_cast<int64_t>(k) * blockDim.x;
      if (c < cols) dxr[c] = from_float<T>(inv * (gw[k] - xhat[k] * mean_dot));
    }
  }
  float* part = grad_w_partial + static_cast<int64_t>(blockIdx.x) * cols;
#pragma unroll
  for (int k = 0; k < kPerThread; ++k) {
    const int64_t c = threadIdx.x + static_cast<int64_t>(k) * blockDim.x;
    if (c < cols) part[c] = acc_w[k];
  }
}

int forward_threads(int64_t cols) { return cols >= 1024 ? 1024 : cols >= 256 ? 256 : 64; }

// Threads per row in the backward kernel: enough that 8 per thread cover the row, a multiple of 32.
int backward_threads(int64_t cols) {
  const int64_t per_thread = (cols + kPerThread - 1) / kPerThread;
  const int64_t t = (per_thread + 31) / 32 * 32;
  return static_cast<int>(t < 32 ? 32 : t > 1024 ? 1024 : t);
}

template <class T>
void launch(const void* x, const void* w, void* y, float* rstd, int64_t rows, int64_t cols, float eps,
            cudaStream_t stream) {
  if (rows == 0) return;
  launch_dependent(rms_norm_kernel<T>, static_cast<unsigned>(rows), forward_threads(cols), 0, stream,
                   static_cast<const T*>(x), static_cast<const T*>(w), static_cast<T*>(y), rstd, cols, eps);
}

constexpr int kAddNormVectorsPerThread = 4;

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

template <class T>
void launch_add(const void* x, const void* residual, const void* w, void* s, void* y, int64_t rows, int64_t cols,
                float eps, cudaStream_t stream) {
  if (rows == 0) return;
  constexpr int64_t kVec = 16 / sizeof(T);
  const int64_t vectors = cols / kVec;
  if (cols % kVec == 0 && vectors <= 1024 * kAddNormVectorsPerThread && aligned16(x) && aligned16(residual) &&
      aligned16(w) && aligned16(s) && aligned16(y)) {
    // One vector per thread while the row fits in a block, in whole warps; wider rows take up to 4.
    const int64_t per = (vectors + 1023) / 1024;
    const auto threads = static_cast<unsigned>(((vectors + per - 1) / per + 31) / 32 * 32);
    const auto v = static_cast<int>(vectors);
    const auto* xt = static_cast<const T*>(x);
    const auto* rt = static_cast<const T*>(residual);
    const auto* wt = static_cast<const T*>(w);
    const auto kernel =
        per == 1 ? add_rms_norm_vector_kernel<T, 1> : add_rms_norm_vector_kernel<T, kAddNormVectorsPerThread>;
    launch_dependent(kernel, static_cast<unsigned>(rows), threads, 0, stream, xt, rt, wt, static_cast<T*>(s),
                     static_cast<T*>(y), v, eps);
    return;
  }
  launch_dependent(add_rms_norm_kernel<T>, static_cast<unsigned>(rows), forward_threads(cols), 0, stream,
                   static_cast<const T*>(x), static_cast<const T*>(residual), static_cast<const T*>(w),
                   static_cast<T*>(s), static_cast<T*>(y), cols, eps);
}

template <class T>
void launch_backward(const void* x, const void* w, const float* rstd, const void* g, void* grad_x,
                     float* grad_w_partial, int64_t rows, int64_t cols, int blocks, cudaStream_t stream) {
  if (rows == 0 || blocks == 0) return;
  launch_dependent(rms_norm_backward_kernel<T>, static_cast<unsigned>(blocks), backward_threads(cols), 0, stream,
                   static_cast<const T*>(x), static_cast<const T*>(w), rstd, static_cast<const T*>(g),
                   static_cast<T*>(grad_x), grad_w_partial, rows, cols);
}

}  // namespace

void launch_rms_norm(const void* x, const void* w, void* y, float* rstd, int64_t rows, int64_t cols, float eps,
                     KernelDtype dtype, cudaStream_t stream) {
  with_kernel_type(dtype, [&](auto t) { launch<decltype(t)>(x, w, y, rstd, rows, cols, eps, stream); });
}

void launch_add_rms_norm(const void* x, const void* residual, const void* w, void* s, void* y, int64_t rows,
                         int64_t cols, float eps, KernelDtype dtype, cudaStream_t stream) {
  with_kernel_type(dtype, [&](auto t) { launch_add<decltype(t)>(x, residual, w, s, y, rows, cols, eps, stream); });
}

int64_t rms_norm_backward_blocks(int64_t rows, int64_t cols, int num_sms) {
  // About 1024 threads per SM of blocks, each then walking rows/blocks rows: enough blocks to fill
  // the GPU while keeping the fp32 partial grad_w ([blocks, cols]) small next to x.
  const int64_t target = static_cast<int64_t>(num_sms) * (1024 / backward_threads(cols));
  return rows < target ? rows : target;
}

void launch_rms_norm_backward(const void* x, const void* w, const float* rstd, const void* g, void* grad_x,
                              float* grad_w_partial, int64_t rows, int64_t cols, int blocks, KernelDtype dtype,
                              cudaStream_t stream) {
  with_kernel_type(dtype, [&](auto t) {
    launch_backward<decltype(t)>(x, w, rstd, g, grad_x, grad_w_partial, rows, cols, blocks, stream);
  });
}

}  // namespace grpo
