// Device choice: "auto" picks CUDA when a GPU is present and CPU otherwise, and says so in one log
// line; "cuda" without a GPU is an error with a hint, never a silent fallback.
#pragma once
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <optional>
#include <string>
#include <string_view>

#include "src/tensor/kernel_dtype.h"

namespace grpo {

c10::Device resolve_device(std::string_view requested);  // "auto" | "cpu" | "cuda" | "cuda:N"
c10::ScalarType resolve_dtype(std::string_view requested, const c10::Device& device);  // "auto" | fp32 | bf16 | fp16
std::string dtype_name(c10::ScalarType dtype);
// The CUDA kernels' code of a floating dtype (fp32, bf16, fp16); none for any other.
std::optional<KernelDtype> kernel_dtype(c10::ScalarType dtype);
// False when the environment sets GRPO_FUSED_KERNELS=0: every op then takes its ATen composite path
// (A/B benchmarks of a fused kernel, bisecting a suspected kernel bug). Read once per process.
bool fused_kernels_enabled();
// Whether this build compiled the CUDA kernels (nvcc was found); the GPU tests assert it.
bool cuda_kernels_built();
bool cuda_available();
int cuda_device_count();

}  // namespace grpo
