// Dispatch between the fused CUDA RMSNorm kernel (rms_norm_kernel.cu) and the ATen composite.
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

bool rms_norm_fused_available() {
#ifdef GRPO_WITH_CUDA
  return true;
#else
  return false;
#endif
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  TORCH_CHECK(x.size(-1) == weight.size(0), "rms_norm: x last dim ", x.size(-1), " != weight size ", weight.size(0));
#ifdef GRPO_WITH_CUDA
  const bool needs_grad = at::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad());
  if (x.is_cuda() && fused_kernels_enabled() && !needs_grad && x.scalar_type() == weight.scalar_type() && x.is_contiguous() &&
      weight.is_contiguous()) {
    if (const auto dtype = kernel_dtype(x.scalar_type())) {
      auto y = torch::empty_like(x);
      const int64_t cols = x.size(-1);
      launch_rms_norm(x.data_ptr(), weight.data_ptr(), y.data_ptr(), x.numel() / cols, cols, static_cast<float>(eps),
                      *dtype, at::cuda::getCurrentCUDAStream());
      return y;
    }
  }
#endif
  return rms_norm_reference(x, weight, eps);
}

}  // namespace grpo
