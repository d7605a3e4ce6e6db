// Programmatic dependent launch (Hopper and later; CUDA Programming Guide, "Programmatic Dependent Launch").
//
// A decode step is ~230 kernels in one CUDA graph, most of them a few microseconds long, so the time between
// one kernel's last block and the next kernel's first one is a visible share of the step. A kernel launched
// with launch_dependent() may be scheduled as soon as every block of the kernel before it in the stream has
// exited or let its dependents launch; every such kernel calls start_after_prior_kernel() first, before it
// touches global memory. That returns once the earlier kernel has completed and its writes are visible, so
// the kernel is correct whatever precedes it. Captured into a graph, the launch becomes a programmatic edge.
//
// Where the device or the earlier node does not support it (pre-Hopper, a memset node), the launch is an
// ordinary stream-ordered one and start_after_prior_kernel() returns at once. GRPO_DEPENDENT_LAUNCH=0 turns
// the attribute off, for A/B runs.
#pragma once

#include <cuda_runtime.h>

#include <cstdlib>
#include <string_view>

namespace grpo {

// Waits for the kernel before this one to complete, then lets the next kernel's blocks be scheduled once
// every block of this one has got here. Those blocks wait here in turn for this kernel to complete, so
// letting them launch early is safe; it only lends them the SM slots this kernel's last wave leaves free.
__device__ __forceinline__ void start_after_prior_kernel() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;\n" ::: "memory");
  asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
#endif
}

inline bool dependent_launch_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("GRPO_DEPENDENT_LAUNCH");
    return v == nullptr || std::string_view(v) != "0";
  }();
  return enabled;
}

// kernel<<<grid, block, smem, stream>>>(args...) with the programmatic-serialization attribute. A launch
// error is left for cudaGetLastError, as with <<<>>>.
template <class... Params, class... Args>
void launch_dependent(void (*kernel)(Params...), dim3 grid, dim3 block, size_t smem, cudaStream_t stream,
                      Args&&... args) {
  cudaLaunchAttribute attribute{};
  attribute.id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attribute.val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config{};
  config.gridDim = grid;
  config.blockDim = block;
  config.dynamicSmemBytes = smem;
  config.stream = stream;
  config.attrs = &attribute;
  config.numAttrs = dependent_launch_enabled() ? 1 : 0;
  (void)cudaLaunchKernelEx(&config, kernel, static_cast<Params>(args)...);
}

}  // namespace grpo
