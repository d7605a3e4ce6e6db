// Fused RoPE launch: a grid-stride loop over rope_kernel_item (rope_kernel.h), with 16-byte packs
// (8 bf16/fp16 or 4 fp32 pairs per thread) when D/2, the row strides and the pointers allow.
#include "src/model/rope_kernel.h"

#include "src/tensor/dependent_launch.cuh"

namespace grpo {
namespace {

template <class T, int N> __global__ void rope_kernel(RopeKernelArgs a, int64_t items) {
  start_after_prior_kernel();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t item = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; item < items; item += stride)
    rope_kernel_item<T, N>(a, item);
}

template <class T, int N> void launch_width(const RopeKernelArgs& a, cudaStream_t stream) {
  const int64_t items = rope_kernel_items(a, N);
  if (items == 0) return;
  constexpr int kThreads = 256;
  const int64_t blocks = (items + kThreads - 1) / kThreads;
  const unsigned grid = static_cast<unsigned>(blocks < 65536 ? blocks : 65536);  // larger T loops
  launch_dependent(rope_kernel<T, N>, grid, kThreads, 0, stream, a, items);
}

template <class T> void launch(const RopeKernelArgs& a, cudaStream_t stream) {
  constexpr int kMax = 16 / static_cast<int>(sizeof(T));
  switch (rope_vector_width(a, static_cast<int>(sizeof(T)), kMax)) {
    case 8: launch_width<T, 8>(a, stream); break;  // 16-bit types only (kMax = 4 for fp32)
    case 4: launch_width<T, 4>(a, stream); break;
    case 2: launch_width<T, 2>(a, stream); break;
    default: launch_width<T, 1>(a, stream); break;
  }
}

}  // namespace

void launch_rope(const RopeKernelArgs& args, cudaStream_t stream) {
  with_kernel_type(args.dtype, [&](auto t) { launch<decltype(t)>(args, stream); });
}

}  // namespace grpo
