// Fused RMSNorm forward: one block per row, fp32 sum of squares reduced with warp shuffles, then
// y = w * T(x * rsqrt(mean + eps)) — the rounding order of HF's Qwen2RMSNorm (see rms_norm.h).
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "src/tensor/rms_norm_kernel.h"

namespace grpo {
namespace {

template <class T> __device__ float to_float(T v) { return static_cast<float>(v); }
template <> __device__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }
template <> __device__ float to_float(__half v) { return __half2float(v); }
template <class T> __device__ T from_float(float v) { return static_cast<T>(v); }
template <> __device__ __nv_bfloat16 from_float(float v) { return __float2bfloat16(v); }
template <> __device__ __half from_float(float v) { return __float2half(v); }

template <class T>
__global__ void rms_norm_kernel(const T* __restrict__ x, const T* __restrict__ w, T* __restrict__ y, int64_t cols,
                                float eps) {
  const T* row = x + blockIdx.x * cols;
  T* out = y + blockIdx.x * cols;
  float sum = 0.f;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    const float v = to_float(row[c]);
    sum += v * v;
  }
  for (int offset = 16; offset > 0; offset >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, offset);
  __shared__ float warp_sums[32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) warp_sums[warp] = sum;
  __syncthreads();
  if (warp == 0) {
    sum = lane < static_cast<int>(blockDim.x / 32) ? warp_sums[lane] : 0.f;
    for (int offset = 16; offset > 0; offset >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, offset);
    if (lane == 0) warp_sums[0] = sum;
  }
  __syncthreads();
  const float inv = rsqrtf(warp_sums[0] / static_cast<float>(cols) + eps);
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
    out[c] = from_float<T>(to_float(w[c]) * to_float(from_float<T>(to_float(row[c]) * inv)));
}

template <class T>
void launch(const void* x, const void* w, void* y, int64_t rows, int64_t cols, float eps, cudaStream_t stream) {
  if (rows == 0) return;
  const int threads = cols >= 1024 ? 1024 : cols >= 256 ? 256 : 64;
  rms_norm_kernel<T><<<static_cast<unsigned>(rows), threads, 0, stream>>>(
      static_cast<const T*>(x), static_cast<const T*>(w), static_cast<T*>(y), cols, eps);
}

}  // namespace

void launch_rms_norm(const void* x, const void* w, void* y, int64_t rows, int64_t cols, float eps, int dtype,
                     cudaStream_t stream) {
  switch (dtype) {
    case 1: launch<__nv_bfloat16>(x, w, y, rows, cols, eps, stream); break;
    case 2: launch<__half>(x, w, y, rows, cols, eps, stream); break;
    default: launch<float>(x, w, y, rows, cols, eps, stream); break;
  }
}

}  // namespace grpo
