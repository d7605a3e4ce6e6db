// RMSNorm as Qwen2/Qwen3/Llama define it (Zhang & Sennrich 2019, arXiv:1910.07467, Eq. 4):
//   y = w ⊙ cast_to_input_dtype( x / sqrt(mean(x²) + eps) ),   statistics in fp32.
// Rounding to the input dtype *before* the weight multiply matches HF transformers bit for bit.
// On CUDA one fused kernel replaces ~6 ATen launches in the forward, and with a gradient a custom
// autograd function adds one fused backward kernel (grad_x, per-block fp32 partials of grad_w).
#pragma once
#include <ATen/core/Tensor.h>

#include <utility>

namespace grpo {

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);
// The ATen composite (differentiable; the reference the fused kernel is tested against).
at::Tensor rms_norm_reference(const at::Tensor& x, const at::Tensor& weight, double eps);

// The pre-norm block boundary h = x + residual, y = rms_norm(h, weight, eps); returns {h, y}. Without
// a gradient on CUDA one kernel does both (vLLM's fused_add_rms_norm, out of place); else the composite.
std::pair<at::Tensor, at::Tensor> add_rms_norm(const at::Tensor& x, const at::Tensor& residual,
                                               const at::Tensor& weight, double eps);

}  // namespace grpo
