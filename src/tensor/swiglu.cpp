// Dispatch between the fused CUDA SwiGLU kernels (swiglu_kernel.cu) and the ATen composite. The
// kernels take [rows, I] operands with a row stride; anything else (CPU, other dtypes, a strided
// last dim, GRPO_FUSED_KERNELS=0) takes the composite.
#include "src/tensor/swiglu.h"

#include <torch/torch.h>

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>

#include "src/tensor/device.h"
#include "src/tensor/swiglu_kernel.h"
#endif

namespace grpo {

at::Tensor swiglu_reference(const at::Tensor& gate, const at::Tensor& up) { return torch::silu(gate) * up; }

#ifdef GRPO_WITH_CUDA
namespace {

// A [rows, I] view the kernels take: unit column stride, any row stride; undefined when there is none.
at::Tensor as_rows(const at::Tensor& t) {
  if (t.dim() == 2 && t.stride(1) == 1) return t;
  if (t.dim() >= 1 && t.is_contiguous()) return t.view({-1, t.size(-1)});
  return {};
}

at::Tensor fused_forward(const at::Tensor& gate, const at::Tensor& up, KernelDtype dtype) {
  const auto g2 = as_rows(gate), u2 = as_rows(up);
  auto y = torch::empty(gate.sizes(), gate.options());
  launch_swiglu(g2.data_ptr(), g2.stride(0), u2.data_ptr(), u2.stride(0), y.data_ptr(), g2.size(0), g2.size(1), dtype,
                at::cuda::getCurrentCUDAStream());
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return y;
}

// grad_gate / grad_up: [rows, I] outputs with row stride ld_grad (separate tensors, or the two halves of
// one [rows, 2I] gradient).
void fused_backward(const at::Tensor& gate, const at::Tensor& up, const at::Tensor& grad_y, void* grad_gate,
                    void* grad_up, int64_t ld_grad) {
  const auto g2 = as_rows(gate), u2 = as_rows(up);
  const auto g = grad_y.to(gate.scalar_type()).contiguous();
  launch_swiglu_backward(g2.data_ptr(), g2.stride(0), u2.data_ptr(), u2.stride(0), g.data_ptr(), grad_gate, grad_up,
                         ld_grad, g2.size(0), g2.size(1), *kernel_dtype(gate.scalar_type()),
                         at::cuda::getCurrentCUDAStream());
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

// Saves gate and up (views; in training they share the gate/up projection's output, which autograd
// keeps anyway) instead of the composite's silu(gate) temporary.
struct SwiGluFunction : torch::autograd::Function<SwiGluFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& gate, const at::Tensor& up) {
    ctx->save_for_backward({gate, up});
    return fused_forward(gate, up, *kernel_dtype(gate.scalar_type()));
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto grad_gate = torch::empty(saved[0].sizes(), saved[0].options());
    auto grad_up = torch::empty(saved[1].sizes(), saved[1].options());
    fused_backward(saved[0], saved[1], grads[0], grad_gate.data_ptr(), grad_up.data_ptr(), saved[0].size(-1));
    return {grad_gate, grad_up};
  }
};

// The same on [rows, 2I] = [gate | up]: the gradient is one [rows, 2I] tensor, so autograd needs no
// concatenation of two halves (the split's backward) after it.
struct SwiGluJoinedFunction : torch::autograd::Function<SwiGluJoinedFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& gate_up) {
    ctx->save_for_backward({gate_up});
    const int64_t half = gate_up.size(-1) / 2;
    return fused_forward(gate_up.narrow(-1, 0, half), gate_up.narrow(-1, half, half), *kernel_dtype(gate_up.scalar_type()));
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto gate_up = ctx->get_saved_variables()[0];
    const int64_t half = gate_up.size(-1) / 2;
    auto grad = torch::empty(gate_up.sizes(), gate_up.options());  // contiguous [..., 2I]
    fused_backward(gate_up.narrow(-1, 0, half), gate_up.narrow(-1, half, half), grads[0], grad.data_ptr(),
                   grad.narrow(-1, half, half).data_ptr(), 2 * half);
    return {grad};
  }
};

}  // namespace
#endif

at::Tensor swiglu(const at::Tensor& gate, const at::Tensor& up) {
  TORCH_CHECK(gate.sizes() == up.sizes(), "swiglu: gate ", gate.sizes(), " and up ", up.sizes(), " differ in shape");
#ifdef GRPO_WITH_CUDA
  const auto dtype = kernel_dtype(gate.scalar_type());
  if (gate.is_cuda() && up.is_cuda() && fused_kernels_enabled() && dtype && gate.scalar_type() == up.scalar_type() &&
      gate.numel() > 0 && as_rows(gate).defined() && as_rows(up).defined()) {
    const bool needs_grad = at::GradMode::is_enabled() && (gate.requires_grad() || up.requires_grad());
    return needs_grad ? SwiGluFunction::apply(gate, up) : fused_forward(gate, up, *dtype);
  }
#endif
  return swiglu_reference(gate, up);
}

at::Tensor swiglu(const at::Tensor& gate_up) {
  TORCH_CHECK(gate_up.dim() >= 1 && gate_up.size(-1) % 2 == 0, "swiglu: the last dim of [gate | up] must be even, got ",
              gate_up.sizes());
  const int64_t half = gate_up.size(-1) / 2;
  const auto gate = gate_up.narrow(-1, 0, half), up = gate_up.narrow(-1, half, half);
#ifdef GRPO_WITH_CUDA
  const bool needs_grad = at::GradMode::is_enabled() && gate_up.requires_grad();
  if (needs_grad && gate_up.is_cuda() && fused_kernels_enabled() && kernel_dtype(gate_up.scalar_type()) &&
      gate_up.numel() > 0 && as_rows(gate).defined() && as_rows(up).defined())
    return SwiGluJoinedFunction::apply(gate_up);
#endif
  return swiglu(gate, up);
}

}  // namespace grpo
