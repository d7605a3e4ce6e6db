// Launchers of the fused SwiGLU kernels; torch-free so that the .cu file compiles fast.
// gate and up are [rows, cols] with unit column stride and row strides ld_gate / ld_up (elements), so
// they may be the two column halves of one [rows, 2·cols] tensor; y and g are contiguous [rows, cols],
// grad_gate / grad_up have row stride ld_grad (the halves of one [rows, 2·cols] gradient, or cols). All of element type `dtype`. Called only by src/tensor/swiglu.cpp.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "src/tensor/kernel_dtype.h"

namespace grpo {

// y = T( T(silu(gate)) · up ),  silu(a) = a·σ(a) in fp32 (the composite's roundings).
void launch_swiglu(const void* gate, int64_t ld_gate, const void* up, int64_t ld_up, void* y, int64_t rows,
                   int64_t cols, KernelDtype dtype, cudaStream_t stream);

// With σ = σ(gate):  grad_up = g · T(gate·σ),  grad_gate = T(g·up) · σ · (1 + gate·(1 − σ)).
void launch_swiglu_backward(const void* gate, int64_t ld_gate, const void* up, int64_t ld_up, const void* g,
                            void* grad_gate, void* grad_up, int64_t ld_grad, int64_t rows, int64_t cols,
                            KernelDtype dtype, cudaStream_t stream);

}  // namespace grpo
