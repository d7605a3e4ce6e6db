// Fused RMSNorm forward: one block per row, fp32 sum of squares reduced with warp shuffles, then
// y = w * T(x * rsqrt(mean + eps)) — the rounding order of HF's Qwen2RMSNorm (see rms_norm.h).
#include "src/tensor/rms_norm_kernel.h"

namespace grpo {
namespace {

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

void launch_rms_norm(const void* x, const void* w, void* y, int64_t rows, int64_t cols, float eps, KernelDtype dtype,
                     cudaStream_t stream) {
  with_kernel_type(dtype, [&](auto t) { launch<decltype(t)>(x, w, y, rows, cols, eps, stream); });
}

}  // namespace grpo
