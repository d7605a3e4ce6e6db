// RMSNorm as Qwen2/Qwen3/Llama define it (Zhang & Sennrich 2019, arXiv:1910.07467, Eq. 4):
//   y = w ⊙ cast_to_input_dtype( x / sqrt(mean(x²) + eps) ),   statistics in fp32.
// Rounding to the input dtype *before* the weight multiply matches HF transformers bit for bit.
// On CUDA, when no gradient is needed (rollout), one fused kernel replaces ~6 ATen launches.
#pragma once
#include <ATen/core/Tensor.h>

namespace grpo {

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);
// The ATen composite (differentiable; the reference the fused kernel is tested against).
at::Tensor rms_norm_reference(const at::Tensor& x, const at::Tensor& weight, double eps);
bool rms_norm_fused_available();

}  // namespace grpo
