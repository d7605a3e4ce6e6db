// Slot-based KV cache for the rollout engine: one preallocated region of `capacity` positions per slot
// and layer, k/v [layers, slots, capacity, kv_heads, head_dim] in the model dtype. A CachedStep says
// which new tokens go where; CausalLM::forward_cached appends them and attends over each slot's prefix.
// The cache does not track lengths: the caller (rollout) owns each slot's current length.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "src/model/model_config.h"

namespace grpo {

struct KVCache {
  at::Tensor k, v;  // [L, S, C, KVH, D]
  int64_t slots() const { return k.size(1); }
  int64_t capacity() const { return k.size(2); }
};

KVCache make_kv_cache(const ModelConfig& config, int64_t slots, int64_t capacity, const at::TensorOptions& options);

// Copies positions [0, length) of slot `src` into each slot of `dst` (prefix sharing: a prompt
// prefilled once serves a group of G samples).
void copy_slot_prefix(KVCache& cache, int64_t src, const std::vector<int64_t>& dst, int64_t length);

// One forward over the cache: sequence i appends counts[i] tokens to slot slots[i] at positions
// starts[i] .. starts[i]+counts[i]-1 (prefill: starts=0, counts=prompt length; decode: counts=1).
struct CachedStep {
  at::Tensor input_ids;                        // [T] int64, the new tokens packed in sequence order
  std::vector<int64_t> slots, starts, counts;  // host, n each
  // Derived on the host by make_cached_step, then moved to the device once:
  at::Tensor position_ids;  // [T] int64 absolute positions
  at::Tensor write_index;   // [T] int64 row of each new token in k[l].view(S*C, KVH, D)
  at::Tensor cu_seqlens_q;  // [n+1] int32
  at::Tensor cu_seqlens_k;  // [n+1] int32: slots[i]*C (regions spaced by capacity)
  at::Tensor seqused_k;     // [n] int32: starts[i]+counts[i]
  at::Tensor last_index;    // [n] int64: index in [T] of each sequence's last new token
  int64_t max_q = 0;
  // Decode steps only, optional (decode_attention.h's PrefixGroups): rows whose slots share prompt keys, which
  // the decode attention then reads once per group. Set by DecodeGraphs; undefined = no sharing.
  at::Tensor suffix_begin;   // [n] int32
  at::Tensor prefix_groups;  // [max_groups, width] int32
};

CachedStep make_cached_step(const at::Tensor& input_ids, std::vector<int64_t> slots, std::vector<int64_t> starts,
                            std::vector<int64_t> counts, const KVCache& cache);

}  // namespace grpo
