// Block-wide reduction for the CUDA kernels (norms, sampler, truncation thresholds), device code only.
#pragma once

namespace grpo {

// Reduces a over the block with `warp_reduce` (a warp-wide reduction of T); every thread gets the
// result. blockDim.x must be a multiple of 32 (at most 1024); lanes past the last warp read `identity`.
// shared needs 33 slots. The same array may serve the next call without a barrier: a thread writes it
// only after every thread has left the previous call's last read behind a barrier.
template <class T, class WarpReduce>
__device__ T block_reduce(T a, T* shared, T identity, WarpReduce warp_reduce) {
  a = warp_reduce(a);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) shared[warp] = a;
  __syncthreads();
  if (warp == 0) {
    a = warp_reduce(lane < static_cast<int>(blockDim.x / 32) ? shared[lane] : identity);
    if (lane == 0) shared[32] = a;  // a slot no lane reads above
  }
  __syncthreads();
  return shared[32];
}

// Sum of v over the block: the norms' sums of squares and dot products.
__device__ inline float block_sum(float v, float* shared) {
  return block_reduce(v, shared, 0.0f, [](float x) {
    for (int offset = 16; offset > 0; offset >>= 1) x += __shfl_xor_sync(0xffffffffu, x, offset);
    return x;
  });
}

}  // namespace grpo
