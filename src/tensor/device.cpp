// Device and dtype resolution for the CLI and library entry points.
#include "src/tensor/device.h"

#include <torch/torch.h>

#include <cstdlib>

#include "src/util/error.h"
#include "src/util/log.h"

namespace grpo {

bool fused_kernels_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("GRPO_FUSED_KERNELS");
    return v == nullptr || std::string_view(v) != "0";
  }();
  return enabled;
}

bool cuda_kernels_built() {
#ifdef GRPO_WITH_CUDA
  return true;
#else
  return false;
#endif
}

bool cuda_available() { return torch::cuda::is_available(); }
int cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }

c10::Device resolve_device(std::string_view requested) {
  if (requested == "auto") {
    if (cuda_available()) {
      log_info("device: CUDA ({} GPU{} visible), using cuda:0", cuda_device_count(), cuda_device_count() == 1 ? "" : "s");
      return c10::Device(c10::kCUDA, 0);
    }
    log_info("device: no CUDA GPU found, running on CPU");
    return c10::Device(c10::kCPU);
  }
  if (requested == "cpu") return c10::Device(c10::kCPU);
  if (requested.rfind("cuda", 0) == 0) {
    if (!cuda_available())
      fail("device '{}' requested but no CUDA GPU is available. HINT: use --device cpu or auto", requested);
    c10::Device device{std::string(requested)};
    if (device.index() >= cuda_device_count())
      fail("device '{}' does not exist: {} GPU(s) visible", requested, cuda_device_count());
    return device;
  }
  fail("unknown device '{}'. HINT: use auto, cpu, cuda or cuda:N", requested);
}

c10::ScalarType resolve_dtype(std::string_view requested, const c10::Device& device) {
  if (requested == "auto") return device.is_cuda() ? c10::kBFloat16 : c10::kFloat;
  if (requested == "fp32" || requested == "float32") return c10::kFloat;
  if (requested == "bf16" || requested == "bfloat16") return c10::kBFloat16;
  if (requested == "fp16" || requested == "float16") return c10::kHalf;
  fail("unknown dtype '{}'. HINT: use auto, fp32, bf16 or fp16", requested);
}

std::string dtype_name(c10::ScalarType dtype) {
  switch (dtype) {
    case c10::kFloat: return "fp32";
    case c10::kBFloat16: return "bf16";
    case c10::kHalf: return "fp16";
    default: return c10::toString(dtype);
  }
}

std::optional<KernelDtype> kernel_dtype(c10::ScalarType dtype) {
  switch (dtype) {
    case c10::ScalarType::Float: return KernelDtype::kFp32;
    case c10::ScalarType::BFloat16: return KernelDtype::kBf16;
    case c10::ScalarType::Half: return KernelDtype::kFp16;
    default: return std::nullopt;
  }
}

}  // namespace grpo
