// What both CUDA sampling kernels read (sampler_kernel.h, truncation_kernel.h): B rows of V logits, each
// row with its 1 / T and whether it is greedy. Torch-free, so that the .cu files compile fast.
#pragma once
#include <cstdint>

#include "src/tensor/kernel_dtype.h"

namespace grpo {

struct ScaledLogitRows {
  const void* logits = nullptr;  // [B, V], element (b, v) at b * row_stride + v
  int64_t rows = 0, vocab = 0, row_stride = 0;
  KernelDtype dtype = KernelDtype::kFp32;
  const float* inv_temperature = nullptr;  // [B]
  const bool* greedy = nullptr;            // [B]
};

}  // namespace grpo
