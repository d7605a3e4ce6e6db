// Fused SwiGLU forward and backward: elementwise, fp32 math, one read of each input and one write of
// each output. Each thread handles a pack of kVec elements (16 bytes) when every operand is 16-byte
// aligned row by row, else one element; a 2-D grid: x covers a row's packs, y walks rows with a stride.
#include "src/tensor/swiglu_kernel.h"

#include <type_traits>

#include "src/tensor/dependent_launch.cuh"

namespace grpo {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxGridY = 65535;

__device__ __forceinline__ float sigmoid(float a) { return 1.f / (1.f + expf(-a)); }

template <class T, int N> struct alignas(sizeof(T) * N) Pack {
  T v[N];
};

template <class T, int N> __device__ __forceinline__ Pack<T, N> load(const T* p) {
  return *reinterpret_cast<const Pack<T, N>*>(p);
}
template <class T, int N> __device__ __forceinline__ void store(T* p, const Pack<T, N>& x) {
  *reinterpret_cast<Pack<T, N>*>(p) = x;
}

template <class T, int N>
__global__ void swiglu_kernel(const T* __restrict__ gate, int64_t ld_gate, const T* __restrict__ up, int64_t ld_up,
                              T* __restrict__ y, int64_t rows, int64_t cols) {
  start_after_prior_kernel();
  const int64_t c = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) * N;
  if (c >= cols) return;
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) {
    const auto a = load<T, N>(gate + r * ld_gate + c), u = load<T, N>(up + r * ld_up + c);
    Pack<T, N> out;
#pragma unroll
    for (int i = 0; i < N; ++i) {
      const float av = to_float(a.v[i]);
      const float s = to_float(from_float<T>(av * sigmoid(av)));
      out.v[i] = from_float<T>(s * to_float(u.v[i]));
    }
    store<T, N>(y + r * cols + c, out);
  }
}

template <class T, int N>
__global__ void swiglu_backward_kernel(const T* __restrict__ gate, int64_t ld_gate, const T* __restrict__ up,
                                       int64_t ld_up, const T* __restrict__ g, T* __restrict__ grad_gate,
                                       T* __restrict__ grad_up, int64_t ld_grad, int64_t rows, int64_t cols) {
  start_after_prior_kernel();
  const int64_t c = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) * N;
  if (c >= cols) return;
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) {
    const auto a = load<T, N>(gate + r * ld_gate + c), u = load<T, N>(up + r * ld_up + c);
    const auto gv = load<T, N>(g + r * cols + c);
    Pack<T, N> ga, gu;
#pragma unroll
    for (int i = 0; i < N; ++i) {
      const float av = to_float(a.v[i]), uv = to_float(u.v[i]), gf = to_float(gv.v[i]);
      const float sg = sigmoid(av);
      gu.v[i] = from_float<T>(gf * to_float(from_float<T>(av * sg)));
      // d silu(a)/da = σ + a·σ·(1 − σ) = σ·(1 + a·(1 − σ))
      ga.v[i] = from_float<T>(to_float(from_float<T>(gf * uv)) * sg * (1.f + av * (1.f - sg)));
    }
    store<T, N>(grad_up + r * ld_grad + c, gu);
    store<T, N>(grad_gate + r * ld_grad + c, ga);
  }
}

dim3 grid_for(int64_t rows, int64_t cols, int vec) {
  const int64_t packs = (cols + vec - 1) / vec;
  return dim3(static_cast<unsigned>((packs + kThreads - 1) / kThreads),
              static_cast<unsigned>(rows < kMaxGridY ? rows : kMaxGridY));
}

// 16-byte packs need every base pointer 16-byte aligned and every row start too (cols and the row
// strides multiples of the pack).
template <class T> bool packs_fit(std::initializer_list<const void*> ptrs, std::initializer_list<int64_t> lens) {
  constexpr int64_t n = 16 / sizeof(T);
  for (const void* p : ptrs)
    if (reinterpret_cast<uintptr_t>(p) % 16 != 0) return false;
  for (int64_t l : lens)
    if (l % n != 0) return false;
  return true;
}

// Calls launch(N) with N = elements per 16-byte pack when `fits`, else N = 1 (a compile-time constant).
template <class T, class Launch> void with_pack_width(bool fits, Launch&& launch) {
  if (fits)
    launch(std::integral_constant<int, 16 / sizeof(T)>{});
  else
    launch(std::integral_constant<int, 1>{});
}

}  // namespace

void launch_swiglu(const void* gate, int64_t ld_gate, const void* up, int64_t ld_up, void* y, int64_t rows,
                   int64_t cols, KernelDtype dtype, cudaStream_t stream) {
  if (rows == 0 || cols == 0) return;
  with_kernel_type(dtype, [&](auto t) {
    using T = decltype(t);
    with_pack_width<T>(packs_fit<T>({gate, up, y}, {cols, ld_gate, ld_up}), [&](auto vec) {
      launch_dependent(swiglu_kernel<T, decltype(vec)::value>, grid_for(rows, cols, vec), kThreads, 0, stream,
                       static_cast<const T*>(gate), ld_gate, static_cast<const T*>(up), ld_up, static_cast<T*>(y),
                       rows, cols);
    });
  });
}

void launch_swiglu_backward(const void* gate, int64_t ld_gate, const void* up, int64_t ld_up, const void* g,
                            void* grad_gate, void* grad_up, int64_t ld_grad, int64_t rows, int64_t cols,
                            KernelDtype dtype, cudaStream_t stream) {
  if (rows == 0 || cols == 0) return;
  with_kernel_type(dtype, [&](auto t) {
    using T = decltype(t);
    const bool fits = packs_fit<T>({gate, up, g, grad_gate, grad_up}, {cols, ld_gate, ld_up, ld_grad});
    with_pack_width<T>(fits, [&](auto vec) {
      launch_dependent(swiglu_backward_kernel<T, decltype(vec)::value>, grid_for(rows, cols, vec), kThreads, 0,
                       stream, static_cast<const T*>(gate), ld_gate, static_cast<const T*>(up), ld_up,
                       static_cast<const T*>(g), static_cast<T*>(grad_gate), static_cast<T*>(grad_up), ld_grad, rows,
                       cols);
    });
  });
}

}  // namespace grpo
