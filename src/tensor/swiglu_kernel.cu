// Fused SwiGLU forward and backward: elementwise, fp32 math, one read of each input and one write of
// each output. A 2-D grid: x covers columns, y walks rows with a stride (no per-element division).
#include "src/tensor/swiglu_kernel.h"

namespace grpo {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxGridY = 65535;

__device__ __forceinline__ float sigmoid(float a) { return 1.f / (1.f + expf(-a)); }

template <class T>
__global__ void swiglu_kernel(const T* __restrict__ gate, int64_t ld_gate, const T* __restrict__ up, int64_t ld_up,
                              T* __restrict__ y, int64_t rows, int64_t cols) {
  const int64_t c = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) {
    const float a = to_float(gate[r * ld_gate + c]);
    const float s = to_float(from_float<T>(a * sigmoid(a)));
    y[r * cols + c] = from_float<T>(s * to_float(up[r * ld_up + c]));
  }
}

template <class T>
__global__ void swiglu_backward_kernel(const T* __restrict__ gate, int64_t ld_gate, const T* __restrict__ up,
                                       int64_t ld_up, const T* __restrict__ g, T* __restrict__ grad_gate,
                                       T* __restrict__ grad_up, int64_t rows, int64_t cols) {
  const int64_t c = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) {
    const float a = to_float(gate[r * ld_gate + c]);
    const float u = to_float(up[r * ld_up + c]);
    const float gv = to_float(g[r * cols + c]);
    const float sg = sigmoid(a);
    grad_up[r * cols + c] = from_float<T>(gv * to_float(from_float<T>(a * sg)));
    // d silu(a)/da = σ + a·σ·(1 − σ) = σ·(1 + a·(1 − σ))
    grad_gate[r * cols + c] = from_float<T>(to_float(from_float<T>(gv * u)) * sg * (1.f + a * (1.f - sg)));
  }
}

dim3 grid_for(int64_t rows, int64_t cols) {
  return dim3(static_cast<unsigned>((cols + kThreads - 1) / kThreads),
              static_cast<unsigned>(rows < kMaxGridY ? rows : kMaxGridY));
}

}  // namespace

void launch_swiglu(const void* gate, int64_t ld_gate, const void* up, int64_t ld_up, void* y, int64_t rows,
                   int64_t cols, KernelDtype dtype, cudaStream_t stream) {
  if (rows == 0 || cols == 0) return;
  with_kernel_type(dtype, [&](auto t) {
    using T = decltype(t);
    swiglu_kernel<T><<<grid_for(rows, cols), kThreads, 0, stream>>>(
        static_cast<const T*>(gate), ld_gate, static_cast<const T*>(up), ld_up, static_cast<T*>(y), rows, cols);
  });
}

void launch_swiglu_backward(const void* gate, int64_t ld_gate, const void* up, int64_t ld_up, const void* g,
                            void* grad_gate, void* grad_up, int64_t rows, int64_t cols, KernelDtype dtype,
                            cudaStream_t stream) {
  if (rows == 0 || cols == 0) return;
  with_kernel_type(dtype, [&](auto t) {
    using T = decltype(t);
    swiglu_backward_kernel<T><<<grid_for(rows, cols), kThreads, 0, stream>>>(
        static_cast<const T*>(gate), ld_gate, static_cast<const T*>(up), ld_up, static_cast<const T*>(g),
        static_cast<T*>(grad_gate), static_cast<T*>(grad_up), rows, cols);
  });
}

}  // namespace grpo
