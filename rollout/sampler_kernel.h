// Launcher of the fused sampling kernel (sampler_kernel.cu); torch-free so that the .cu compiles fast.
// rollout/sampler.cpp calls it on CUDA, after truncation_kernel.h's thresholds when a row uses top-k /
// top-p; shapes, dtypes and devices are checked there. It allocates nothing, never syncs the host, and runs on the given stream (graph-safe).
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "rollout/scaled_logit_rows.h"

namespace grpo {

// One decode step: B rows of V logits -> B tokens and their log-probs (see sampler.h for the math).
struct FusedSamplerArgs : ScaledLogitRows {
  const float* log_min_p = nullptr;        // [B]; read only when apply_min_p
  const int64_t* keys = nullptr;           // [B, 2] (lo, hi) 32-bit words held in int64
  const int64_t* steps = nullptr;          // [B]
  bool apply_min_p = false;                // SamplerRows::any_min_p
  const float* keep_from = nullptr;        // [B] or null: sampled rows draw only from z >= keep_from[b]
  int64_t* tokens = nullptr;               // [B] out
  float* logprobs = nullptr;               // [B] out
};

void launch_fused_sampler(const FusedSamplerArgs& args, cudaStream_t stream);

}  // namespace grpo
