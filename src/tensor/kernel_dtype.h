// The element types our CUDA kernels take. Launcher headers stay torch-free, so a tensor's dtype
// crosses into a .cu file as this enum (host side: kernel_dtype() in src/tensor/device.h). Inside nvcc,
// to_float / from_float convert elements and with_kernel_type instantiates a launch per type — one
// definition for every kernel instead of a switch and a set of conversions per .cu file.
#pragma once

namespace grpo {

enum class KernelDtype : int { kFp32 = 0, kBf16 = 1, kFp16 = 2 };

}  // namespace grpo

#if defined(__CUDACC__)
#include <cuda_bf16.h>
#include <cuda_fp16.h>

namespace grpo {

template <class T> __device__ __forceinline__ float to_float(T v) { return static_cast<float>(v); }
template <> __device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }
template <> __device__ __forceinline__ float to_float(__half v) { return __half2float(v); }
template <class T> __device__ __forceinline__ T from_float(float v) { return static_cast<T>(v); }
template <> __device__ __forceinline__ __nv_bfloat16 from_float(float v) { return __float2bfloat16(v); }
template <> __device__ __forceinline__ __half from_float(float v) { return __float2half(v); }

// Calls launch(T{}) with the element type T of `dtype`.
template <class Launch> void with_kernel_type(KernelDtype dtype, Launch&& launch) {
  switch (dtype) {
    case KernelDtype::kBf16: launch(__nv_bfloat16{}); break;
    case KernelDtype::kFp16: launch(__half{}); break;
    case KernelDtype::kFp32: launch(float{}); break;
  }
}

}  // namespace grpo
#endif
