// Scaled dot-product attention softmax(q·kᵀ/√D + causal mask)·v over packed sequences and over the
// KV cache. CUDA: FlashAttention-2 varlen (at::_flash_attention_forward), no padding, differentiable;
// decode steps (one new token per sequence) take the tensor-core kernel of decode_attention.h.
// CPU: exact per-sequence attention with the same block-diagonal causal mask (the reference path).
// Shapes: q [T, H, D]; k, v [T, KVH, D] (GQA: H = g·KVH, query head h reads kv head h / g).
#pragma once
#include <ATen/core/Tensor.h>

#include "src/model/kv_cache.h"
#include "src/model/packed_batch.h"

namespace grpo {

// Causal attention within each packed sequence -> [T, H, D].
at::Tensor packed_causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                   const PackedBatch& batch, double scale);

// Attention of the new tokens of `step` over their slot's positions [0, start+count) of one layer's
// cache k_cache/v_cache [S, C, KVH, D] (already holding the new K/V) -> [T, H, D].
at::Tensor cached_attention(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                            const CachedStep& step, double scale);

// Whether this build's flash kernel accepts fewer K/V heads than query heads (probed once on CUDA);
// when false, K/V are expanded to H heads before the call.
bool flash_native_gqa();

}  // namespace grpo
