// Block-wide reduction for the rollout kernels (sampler_kernel.cu, truncation_kernel.cu), device code only.
#pragma once

namespace grpo {

// Reduces a over the block with `warp_reduce` (a warp-wide reduction of T); every thread gets the
// result, and lanes past the last warp read `identity`. shared needs 33 slots. The same array may serve
// the next call without a barrier: a thread writes it only after every thread has left the previous
// call's last read behind a barrier.
template <int kThreads, class T, class WarpReduce>
__device__ T block_reduce(T a, T* shared, T identity, WarpReduce warp_reduce) {
  a = warp_reduce(a);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) shared[warp] = a;
  __syncthreads();
  if (warp == 0) {
    a = warp_reduce(lane < kThreads / 32 ? shared[lane] : identity);
    if (lane == 0) shared[32] = a;  // a slot no lane reads above
  }
  __syncthreads();
  return shared[32];
}

}  // namespace grpo
