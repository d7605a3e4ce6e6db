// SwiGLU activation of the Qwen2/Qwen3/Llama MLP (Shazeer 2020, arXiv:2002.05202, Eq. 6 without the
// projections):  y = silu(gate) ⊙ up,  silu(a) = a·σ(a).  Called by the decoder layer's MLP block.
// On CUDA one fused kernel computes y (decode, inside CUDA graphs, too), and with a gradient a custom
// autograd function adds one fused backward kernel; elsewhere the ATen composite runs.
#pragma once
#include <ATen/core/Tensor.h>

namespace grpo {

// gate, up: the same shape [..., I] and dtype; either may be a column slice of a wider tensor (the
// fused gate/up projection's output) as long as its last dim is unit-stride. Returns a contiguous y.
at::Tensor swiglu(const at::Tensor& gate, const at::Tensor& up);
// The same on the fused gate/up projection's output [..., 2I] = [gate | up]; with a gradient its backward
// writes one [..., 2I] gradient (no concatenation of two halves afterwards).
at::Tensor swiglu(const at::Tensor& gate_up);
// The ATen composite torch::silu(gate) * up (differentiable; the reference the kernels are tested against).
at::Tensor swiglu_reference(const at::Tensor& gate, const at::Tensor& up);

}  // namespace grpo
