// Dispatch between the fused CUDA RMSNorm kernels (rms_norm_kernel.cu) and the ATen composite.
// Without a gradient the forward kernel runs alone; with one, RmsNormFunction pairs it with the fused
// backward. Anything the kernels do not take (CPU, other dtypes, GRPO_FUSED_KERNELS=0) takes the composite.
#include "src/tensor/rms_norm.h"

#include <torch/torch.h>

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>

#include "src/tensor/device.h"
#include "src/tensor/rms_norm_kernel.h"
#endif

namespace grpo {

at::Tensor rms_norm_reference(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const auto x32 = x.to(torch::kFloat);
  const auto normed = x32 * torch::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return weight * normed.to(x.scalar_type());
}

#ifdef GRPO_WITH_CUDA
namespace {

// y [same shape as x] and r = rsqrt(mean(x²) + eps) per row (fp32, [rows]; empty when not wanted).
std::pair<at::Tensor, at::Tensor> fused_forward(const at::Tensor& x, const at::Tensor& w, double eps, KernelDtype dtype,
                                                bool want_rstd) {
  auto y = torch::empty_like(x, at::MemoryFormat::Contiguous);
  const int64_t cols = x.size(-1), rows = x.numel() / cols;
  at::Tensor rstd = want_rstd ? torch::empty({rows}, x.options().dtype(torch::kFloat)) : at::Tensor();
  launch_rms_norm(x.data_ptr(), w.data_ptr(), y.data_ptr(), want_rstd ? rstd.data_ptr<float>() : nullptr, rows, cols,
                  static_cast<float>(eps), dtype, at::cuda::getCurrentCUDAStream());
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return {y, rstd};
}

// The composite's forward and gradients in two kernels (plus a column sum of grad_w's partials).
// Saves x, w and r (4 bytes a row) instead of the composite's fp32 copies of x and x̂.
struct RmsNormFunction : torch::autograd::Function<RmsNormFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w,
                            double eps) {
    const auto dtype = *kernel_dtype(x.scalar_type());
    auto [y, rstd] = fused_forward(x, w, eps, dtype, /*want_rstd=*/true);
    ctx->save_for_backward({x, w, rstd});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &w = saved[1], &rstd = saved[2];
    const auto g = grads[0].to(x.scalar_type()).contiguous();
    const int64_t cols = x.size(-1), rows = x.numel() / cols;
    const int blocks = static_cast<int>(
        rms_norm_backward_blocks(rows, cols, at::cuda::getCurrentDeviceProperties()->multiProcessorCount));
    auto grad_x = torch::empty_like(x, at::MemoryFormat::Contiguous);
    auto partial = torch::empty({blocks, cols}, x.options().dtype(torch::kFloat));
    launch_rms_norm_backward(x.data_ptr(), w.data_ptr(), rstd.data_ptr<float>(), g.data_ptr(), grad_x.data_ptr(),
                             partial.data_ptr<float>(), rows, cols, blocks, *kernel_dtype(x.scalar_type()),
                             at::cuda::getCurrentCUDAStream());
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    // rows == 0: no block ran and the sum over an empty [0, cols] is the correct zero gradient.
    auto grad_w = partial.sum(0).to(w.scalar_type());
    return {grad_x, grad_w, at::Tensor()};
  }
};

}  // namespace
#endif

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  TORCH_CHECK(x.size(-1) == weight.size(0), "rms_norm: x last dim ", x.size(-1), " != weight size ", weight.size(0));
#ifdef GRPO_WITH_CUDA
  const auto dtype = kernel_dtype(x.scalar_type());
  if (x.is_cuda() && fused_kernels_enabled() && dtype && x.scalar_type() == weight.scalar_type() &&
      weight.is_contiguous() && weight.dim() == 1 && x.numel() > 0) {
    const bool needs_grad = at::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad());
    // Qwen3's q/k norms see a strided view of a fused q/k/v output; one copy to a contiguous x is
    // still far cheaper than the composite's chain of fp32 temporaries.
    if (!needs_grad) return fused_forward(x.contiguous(), weight, eps, *dtype, /*want_rstd=*/false).first;
    if (x.size(-1) <= kRmsNormBackwardMaxCols) return RmsNormFunction::apply(x.contiguous(), weight, eps);
  }
#endif
  return rms_norm_reference(x, weight, eps);
}

std::pair<at::Tensor, at::Tensor> add_rms_norm(const at::Tensor& x, const at::Tensor& residual,
                                               const at::Tensor& weight, double eps) {
  TORCH_CHECK(x.sizes() == residual.sizes(), "add_rms_norm: x ", x.sizes(), " and residual ", residual.sizes(),
              " differ in shape");
#ifdef GRPO_WITH_CUDA
  const auto dtype = kernel_dtype(x.scalar_type());
  const bool needs_grad =
      at::GradMode::is_enabled() && (x.requires_grad() || residual.requires_grad() || weight.requires_grad());
  if (x.is_cuda() && fused_kernels_enabled() && !needs_grad && dtype && x.scalar_type() == residual.scalar_type() &&
      x.scalar_type() == weight.scalar_type() && x.is_contiguous() && residual.is_contiguous() &&
      weight.is_contiguous() && weight.dim() == 1 && x.numel() > 0 && x.size(-1) == weight.size(0)) {
    auto h = torch::empty_like(x), y = torch::empty_like(x);
    const int64_t cols = x.size(-1);
    launch_add_rms_norm(x.data_ptr(), residual.data_ptr(), weight.data_ptr(), h.data_ptr(), y.data_ptr(),
                        x.numel() / cols, cols, static_cast<float>(eps), *dtype, at::cuda::getCurrentCUDAStream());
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return {h, y};
  }
#endif
  auto h = x + residual;
  return {h, rms_norm(h, weight, eps)};
}

}  // namespace grpo
