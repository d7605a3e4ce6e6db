// Launchers of the fused log-prob head kernels (logprob_head_kernel.cu); torch-free so the .cu compiles
// fast. src/model/token_logprobs.cpp calls them on CUDA for one chunk of logits at a time and checks
// shapes, dtypes and devices there. They allocate nothing, never sync the host, and run on `stream`.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "src/tensor/kernel_dtype.h"

namespace grpo {

// One pass per row over z [rows, V] (model dtype), with x = z·inv_t:
//   lse = log Σ e^x,  logprob = x_t − lse,  entropy = lse − Σ p·x   (p = e^{x − lse})
// A target outside [0, V) is never read; its logprob is NaN.
struct LogProbHeadForwardArgs {
  const void* logits = nullptr;  // element (r, k) at r * row_stride + k
  int64_t rows = 0, vocab = 0, row_stride = 0;
  KernelDtype dtype = KernelDtype::kFp32;
  const int64_t* targets = nullptr;  // [rows]
  float inv_temperature = 1.0f;
  float* logprob = nullptr;  // [rows] out
  float* lse = nullptr;      // [rows] out
  float* entropy = nullptr;  // [rows] out; nullptr: not computed
};

// One pass per row: gz_k = inv_t·( g_lp·(1[k=t] − p_k) − g_H·p_k·(log p_k + H) ), p_k = e^{x_k − lse},
// written in the model dtype. grad_logits may alias logits (each element is read before it is written,
// by the same thread). g_lp / g_ent nullptr: that gradient is zero (entropy is then not read).
struct LogProbHeadBackwardArgs {
  const void* logits = nullptr;
  int64_t rows = 0, vocab = 0, row_stride = 0;
  KernelDtype dtype = KernelDtype::kFp32;
  const int64_t* targets = nullptr;  // [rows]
  const float* lse = nullptr;        // [rows]
  const float* g_lp = nullptr;       // [rows] or nullptr
  const float* g_ent = nullptr;      // [rows] or nullptr
  const float* entropy = nullptr;    // [rows]; read only with g_ent
  float inv_temperature = 1.0f;
  void* grad_logits = nullptr;  // element (r, k) at r * grad_row_stride + k, dtype `dtype`
  int64_t grad_row_stride = 0;
};

void launch_logprob_head_forward(const LogProbHeadForwardArgs& args, cudaStream_t stream);
void launch_logprob_head_backward(const LogProbHeadBackwardArgs& args, cudaStream_t stream);

}  // namespace grpo
