// Launcher of the fused RMSNorm kernel; torch-free so that the .cu file compiles fast.
// dtype: 0 = fp32, 1 = bf16, 2 = fp16. x, w, y contiguous; x and y are [rows, cols].
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

namespace grpo {
void launch_rms_norm(const void* x, const void* w, void* y, int64_t rows, int64_t cols, float eps, int dtype,
                     cudaStream_t stream);
}
