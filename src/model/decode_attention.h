// Split-KV GQA decode attention over the slot cache (decode_attention_kernel.cu): the path of
// cached_attention (attention.cpp) for steps where every sequence adds exactly one token (max_q == 1).
// CUDA only; prefill and every other case keep FlashAttention / the exact path. Graph-capturable.
// Shapes: q [n, H, D]; k_cache, v_cache [S, C, KVH, D]; H = g·KVH, query head h reads kv head h / g.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace grpo {

// Whether decode_attention takes these tensors: CUDA, bf16/fp16 q and caches of one dtype, D ∈ {64, 128},
// H % KVH == 0 with H/KVH ≤ 8, contiguous caches, and fused kernels on (GRPO_FUSED_KERNELS != 0).
bool decode_attention_supported(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache);

// How the keys [0, C) are cut: `splits` CTAs per (sequence, kv head), each over `split_len` keys. Depends only
// on host-known sizes (n, KVH, C, the SM count), never on the device-side lengths, so a captured graph stays valid.
struct DecodeSplits {
  int64_t splits = 1, split_len = 0;
};
DecodeSplits decode_attention_splits(int64_t n, int64_t kv_heads, int64_t capacity, int64_t sm_count);

// Shared prefixes of a decode batch: prefix_sharing.h's PrefixPlan on the device. Rows of a group row read the
// group's shared keys once per group (one pass for all of them) and only their own keys [suffix_begin[i], seqused[i])
// one by one. The caller guarantees that every member's slot holds the same keys [0, len) as the group's source row.
struct PrefixGroups {
  at::Tensor suffix_begin;  // [n] int32 (CUDA)
  at::Tensor table;         // [max_groups, width] int32 (CUDA), width - 2 ≤ decode_attention_max_members(D)
};

// Most members one group row may hold at head dimension `head_dim`.
int64_t decode_attention_max_members(int64_t head_dim);

// out[i, h] = Σ_{t < seqused[i]} softmax_t(scale·q[i,h]·K[t]) V[t], K/V = rows row_start[i] + t of the cache
// flattened to [S·C, KVH, D] (row_start = slot·C, as CachedStep::cu_seqlens_k). row_start, seqused: [n] int32
// on the device. -> [n, H, D] in q's dtype. Throws grpo::Error when !decode_attention_supported.
// With `groups` (defined tensors), the keys of each group row come from its source row as above.
at::Tensor decode_attention(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                            const at::Tensor& row_start, const at::Tensor& seqused, double scale,
                            const PrefixGroups& groups = {});

}  // namespace grpo
