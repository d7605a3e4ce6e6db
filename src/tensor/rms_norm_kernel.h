// Launchers of the fused RMSNorm kernels; torch-free so that the .cu file compiles fast.
// x, w, y, g, grad_x contiguous, of element type `dtype`; x, y, g, grad_x are [rows, cols], w is [cols].
// Called only by src/tensor/rms_norm.cpp, which checks shapes, dtypes and contiguity first.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "src/tensor/kernel_dtype.h"

namespace grpo {

// y = w ⊙ T(x·r), r = (mean(x²) + eps)^(−1/2) in fp32; writes r to rstd[rows] when rstd is not null.
void launch_rms_norm(const void* x, const void* w, void* y, float* rstd, int64_t rows, int64_t cols, float eps,
                     KernelDtype dtype, cudaStream_t stream);

// s = T(x + residual) and y = w ⊙ T(s·r), r = (mean(s²) + eps)^(−1/2): the residual add of a decoder
// layer fused into the next norm (no-grad path). x, residual, s, y: [rows, cols].
void launch_add_rms_norm(const void* x, const void* residual, const void* w, void* s, void* y, int64_t rows,
                         int64_t cols, float eps, KernelDtype dtype, cudaStream_t stream);

// The widest row the backward kernel takes (it keeps a row's columns in registers: 8 per thread).
constexpr int64_t kRmsNormBackwardMaxCols = 8192;
// The number of per-block partial rows of grad_w that launch_rms_norm_backward writes.
int64_t rms_norm_backward_blocks(int64_t rows, int64_t cols, int num_sms);
// With x̂ = x·r and gw = T(g ⊙ w):  grad_x = r·(gw − x̂·mean(x̂ ⊙ gw))  (written in T), and
// grad_w_partial[b, c] = Σ over the rows block b handled of g·T(x̂)  (fp32, [blocks, cols]; the caller
// sums it over b in a fixed order, so grad_w is deterministic). cols ≤ kRmsNormBackwardMaxCols.
void launch_rms_norm_backward(const void* x, const void* w, const float* rstd, const void* g, void* grad_x,
                              float* grad_w_partial, int64_t rows, int64_t cols, int blocks, KernelDtype dtype,
                              cudaStream_t stream);

}  // namespace grpo
