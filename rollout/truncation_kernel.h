// Launcher of the top-k / top-p threshold kernel (truncation_kernel.cu); torch-free so that the .cu
// compiles fast. For each row it finds the smallest scaled logit z the row keeps, so that the fused
// sampler draws over {z_v >= keep_from} with no sort (rollout/sampler.h gives the kept set's definition).
// Allocates nothing, never syncs the host, runs on the given stream (graph-safe).
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "rollout/scaled_logit_rows.h"

namespace grpo {

struct TruncationArgs : ScaledLogitRows {   // greedy rows keep everything
  const int64_t* top_k = nullptr;   // [B]; >= V: off
  const float* top_p = nullptr;     // [B]; >= 1: off
  float* keep_from = nullptr;       // [B] out; -inf where the row keeps every token
};

void launch_truncation_threshold(const TruncationArgs& args, cudaStream_t stream);

}  // namespace grpo
