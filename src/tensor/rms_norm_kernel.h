// Launcher of the fused RMSNorm kernel; torch-free so that the .cu file compiles fast.
// x, w, y contiguous, of element type `dtype`; x and y are [rows, cols].
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "src/tensor/kernel_dtype.h"

namespace grpo {
void launch_rms_norm(const void* x, const void* w, void* y, int64_t rows, int64_t cols, float eps, KernelDtype dtype,
                     cudaStream_t stream);
}
