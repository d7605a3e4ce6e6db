// Launchers of the decode attention kernels (decode_attention_kernel.cu: split-KV over each row's keys;
// shared_prefix_attention_kernel.cu: a group's shared keys once for all its rows; tensor-core MMAs with the query
// group as N); torch-free so the .cu files compile fast. Called only by decode_attention.cpp, which checks shapes
// and allocates the scratch.
// Layout: q, out [n, H, D]; k_cache, v_cache [S, C, KVH, D]; all contiguous, element type `dtype`.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "src/model/prefix_chunk_scale.h"
#include "src/tensor/kernel_dtype.h"

namespace grpo {

struct DecodeAttentionArgs {
  const void* q = nullptr;
  const void* k_cache = nullptr;
  const void* v_cache = nullptr;
  const int32_t* row_start = nullptr;  // [n]: first cache row of sequence i's slot (slot·C)
  const int32_t* seqused = nullptr;    // [n]: keys 0..seqused[i]-1 are attended
  void* out = nullptr;                 // [n, H, D]
  // Partials (unused when parts == 1): per (sequence, head, part) the running max (log2 units), the sum of
  // 2^(s - max) and the unnormalised output [D]. Parts [0, prefix_parts) are the shared-prefix chunks, then
  // one per split.
  float* part_max = nullptr;  // [n, H, parts]
  float* part_sum = nullptr;  // [n, H, parts]
  float* part_acc = nullptr;  // [n, H, parts, D]
  int64_t n = 0, heads = 0, kv_heads = 0, head_dim = 0, capacity = 0;
  int64_t splits = 1, split_len = 0;  // split s covers the row's own keys [b + s·split_len, b + (s+1)·split_len)
  int64_t parts = 1;                  // prefix_parts + splits
  // Shared prefixes (prefix_parts > 0; prefix_sharing.h's PrefixPlan): row i's own keys start at b =
  // suffix_begin[i]; group row g = groups[g·group_width ...] = (cache row of the shared keys, their count, member
  // rows, -1 padding) is read in chunks of s·prefix_chunk keys, chunk c into part c of each member. The prefix
  // pass picks the scale s (1 to kMaxPrefixChunkScale) each step from the table and writes it to *chunk_scale,
  // which the per-row pass and the merge read.
  const int32_t* suffix_begin = nullptr;  // [n], or null: b = 0
  const int32_t* groups = nullptr;        // [max_groups, group_width]
  int32_t* chunk_scale = nullptr;         // [1]
  int64_t max_groups = 0, group_width = 0, prefix_parts = 0, prefix_chunk = 0;
  float scale = 1.f;
};

// Largest query-per-KV-head group the kernel takes: the group is the N = 8 of its m16n8k16 MMAs.
constexpr int64_t kDecodeAttentionMaxGroup = 8;

// Most shared-prefix chunks per row (decode_attention.cpp sizes the chunks to stay within it): the per-row kernel
// merges them from registers.
constexpr int kDecodeAttentionMaxPrefixParts = 16;

// Most members one group row may hold at head dimension D (the prefix pass keeps each member's Oᵀ in registers).
constexpr int64_t shared_prefix_max_members(int64_t head_dim) { return head_dim <= 64 ? 16 : 8; }

// The shared-prefix pass (if prefix_parts > 0), the per-row pass, then the merge (if parts > 1).
void launch_decode_attention(const DecodeAttentionArgs& args, KernelDtype dtype, cudaStream_t stream);
// The shared-prefix pass alone (shared_prefix_attention_kernel.cu).
void launch_shared_prefix_attention(const DecodeAttentionArgs& args, KernelDtype dtype, cudaStream_t stream);

}  // namespace grpo
