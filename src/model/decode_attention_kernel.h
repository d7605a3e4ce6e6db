// Launcher of the split-KV GQA decode attention kernels (decode_attention_kernel.cu: tensor-core MMAs with
// the query group as N); torch-free so the .cu compiles fast. Called only by decode_attention.cpp, which
// checks shapes and allocates the scratch.
// Layout: q, out [n, H, D]; k_cache, v_cache [S, C, KVH, D]; all contiguous, element type `dtype`.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "src/tensor/kernel_dtype.h"

namespace grpo {

struct DecodeAttentionArgs {
  const void* q = nullptr;
  const void* k_cache = nullptr;
  const void* v_cache = nullptr;
  const int32_t* row_start = nullptr;  // [n]: first cache row of sequence i's slot (slot·C)
  const int32_t* seqused = nullptr;    // [n]: keys 0..seqused[i]-1 are attended
  void* out = nullptr;                 // [n, H, D]
  // Split scratch (unused when splits == 1): per (sequence, head, split) the running max (log2
  // units), the sum of 2^(s - max) and the unnormalised output [D].
  float* part_max = nullptr;   // [n, H, splits]
  float* part_sum = nullptr;   // [n, H, splits]
  float* part_acc = nullptr;   // [n, H, splits, D]
  int64_t n = 0, heads = 0, kv_heads = 0, head_dim = 0, capacity = 0;
  int64_t splits = 1, split_len = 0;  // split s covers keys [s·split_len, (s+1)·split_len)
  float scale = 1.f;
};

// Largest query-per-KV-head group the kernel takes: the group is the N = 8 of its m16n8k16 MMAs.
constexpr int64_t kDecodeAttentionMaxGroup = 8;

void launch_decode_attention(const DecodeAttentionArgs& args, KernelDtype dtype, cudaStream_t stream);

}  // namespace grpo
