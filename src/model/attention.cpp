// Packed and cached attention: flash varlen on CUDA, exact masked SDPA on CPU.
#include "src/model/attention.h"

#include <torch/torch.h>

#include <cstdlib>
#include <mutex>

#include "src/model/decode_attention.h"

namespace grpo {
namespace {

at::Tensor expand_kv(const at::Tensor& kv, int64_t heads) {
  const int64_t g = heads / kv.size(-2);
  return g == 1 ? kv : kv.repeat_interleave(g, /*dim=*/-2);
}

// GRPO_GROUPED_DECODE=0 keeps decode on one flash row per query head (A/B runs).
bool grouped_decode_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("GRPO_GROUPED_DECODE");
    return v == nullptr || std::string(v) != "0";
  }();
  return enabled;
}

// One flash varlen call. cu_k may be spaced wider than the key counts when seqused_k is given.
at::Tensor flash_varlen(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cu_q,
                        const at::Tensor& cu_k, int64_t max_q, int64_t max_k, double scale,
                        const std::optional<at::Tensor>& seqused_k, bool causal = true) {
  auto out =
      at::_flash_attention_forward(q.contiguous(), k.contiguous(), v.contiguous(), std::optional<at::Tensor>(cu_q),
                                   std::optional<at::Tensor>(cu_k), max_q, max_k, /*dropout_p=*/0.0, causal,
                                   /*return_debug_mask=*/false, std::optional<double>(scale), std::optional<int64_t>(),
                                   std::optional<int64_t>(), seqused_k, std::optional<at::Tensor>());
  return std::get<0>(out);
}

// Exact attention of q [Lq, H, D] over k, v [Lk, KVH, D], query j at absolute position offset + j
// seeing keys 0..offset+j. fp32 softmax inside SDPA's math path on CPU.
at::Tensor exact_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t offset,
                           double scale) {
  const int64_t heads = q.size(1), lq = q.size(0), lk = k.size(0);
  auto qh = q.transpose(0, 1).unsqueeze(0);  // [1, H, Lq, D]
  auto kh = expand_kv(k, heads).transpose(0, 1).unsqueeze(0);
  auto vh = expand_kv(v, heads).transpose(0, 1).unsqueeze(0);
  auto qpos = torch::arange(lq, torch::TensorOptions().dtype(torch::kLong).device(q.device())).unsqueeze(1) + offset;
  auto kpos = torch::arange(lk, torch::TensorOptions().dtype(torch::kLong).device(q.device())).unsqueeze(0);
  auto mask = kpos <= qpos;  // [Lq, Lk], true = attend
  auto out = at::scaled_dot_product_attention(qh, kh, vh, mask, 0.0, false, scale);
  return out.squeeze(0).transpose(0, 1);  // [Lq, H, D]
}

// FlashAttention-2 takes fp16/bf16 with head_dim <= 256; anything else (fp32 on CUDA) takes the exact path.
bool use_flash(const at::Tensor& q) {
  return q.is_cuda() && (q.scalar_type() == torch::kBFloat16 || q.scalar_type() == torch::kHalf) && q.size(-1) <= 256;
}

// A decode step (one query token per sequence) with each KV head's G = H/KVH query heads laid out as G
// query rows of that head: flash's tiles then hold G rows instead of one, and each sequence's K/V is
// streamed once per KV head rather than once per query head. Query head h = kv·G + j (HF's repeat_kv
// grouping) becomes row i·G + j of KV head kv. Not causal: the single query position sees every cached
// key, which seqused_k bounds.
at::Tensor grouped_decode_attention(const at::Tensor& q, const at::Tensor& k_flat, const at::Tensor& v_flat,
                                    const CachedStep& step, int64_t capacity, double scale) {
  const int64_t n = q.size(0), heads = q.size(1), dim = q.size(2), kv_heads = k_flat.size(1), g = heads / kv_heads;
  auto rows = q.view({n, kv_heads, g, dim}).transpose(1, 2).reshape({n * g, kv_heads, dim});
  auto cu_rows = step.cu_seqlens_q * static_cast<int32_t>(g);  // decode: cu_seqlens_q = [0, 1, ..., n]
  auto out = flash_varlen(rows, k_flat, v_flat, cu_rows, step.cu_seqlens_k, g, capacity, scale, step.seqused_k,
                          /*causal=*/false);
  return out.view({n, g, kv_heads, dim}).transpose(1, 2).reshape({n, heads, dim});
}

}  // namespace

bool flash_native_gqa() {
  static std::once_flag once;
  static bool native = false;
  std::call_once(once, [] {
    if (!torch::cuda::is_available()) return;
    try {
      auto opts = torch::TensorOptions().dtype(torch::kBFloat16).device(torch::kCUDA);
      auto q = torch::randn({4, 2, 64}, opts), kv = torch::randn({4, 1, 64}, opts);
      auto cu = torch::tensor({0, 4}, torch::kInt).to(torch::kCUDA);
      auto got = flash_varlen(q, kv, kv, cu, cu, 4, 4, 0.125, std::nullopt);
      auto want = flash_varlen(q, expand_kv(kv, 2), expand_kv(kv, 2), cu, cu, 4, 4, 0.125, std::nullopt);
      native = torch::allclose(got.to(torch::kFloat), want.to(torch::kFloat), 1e-2, 1e-2);
    } catch (const c10::Error&) {
      native = false;
    }
  });
  return native;
}

at::Tensor packed_causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                   const PackedBatch& batch, double scale) {
  if (use_flash(q)) {
    const bool native = flash_native_gqa();
    const int64_t heads = q.size(1);
    return flash_varlen(q, native ? k : expand_kv(k, heads), native ? v : expand_kv(v, heads), batch.cu_seqlens,
                        batch.cu_seqlens, batch.max_seqlen, batch.max_seqlen, scale, std::nullopt);
  }
  std::vector<at::Tensor> outs;
  int64_t start = 0;
  for (int64_t len : batch.lengths) {
    outs.push_back(
        exact_attention(q.narrow(0, start, len), k.narrow(0, start, len), v.narrow(0, start, len), 0, scale));
    start += len;
  }
  return outs.size() == 1 ? outs[0] : torch::cat(outs, 0);
}

at::Tensor cached_attention(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                            const CachedStep& step, double scale) {
  const int64_t heads = q.size(1), cap = k_cache.size(1);
  if (use_flash(q)) {
    // One new token per sequence: the tensor-core decode kernel (row_start = cu_seqlens_k[i] = slot·C).
    const bool needs_grad = at::GradMode::is_enabled() && q.requires_grad();
    if (!needs_grad && step.max_q == 1 && q.size(0) == step.seqused_k.size(0) &&
        decode_attention_supported(q, k_cache, v_cache))
      return decode_attention(q, k_cache, v_cache, step.cu_seqlens_k, step.seqused_k, scale,
                              {step.suffix_begin, step.prefix_groups});
    if (flash_native_gqa()) {
      const auto flat = [&](const at::Tensor& c) { return c.view({-1, c.size(2), c.size(3)}); };
      if (step.max_q == 1 && heads > k_cache.size(2) && grouped_decode_enabled())
        return grouped_decode_attention(q, flat(k_cache), flat(v_cache), step, cap, scale);
      return flash_varlen(q, flat(k_cache), flat(v_cache), step.cu_seqlens_q, step.cu_seqlens_k, step.max_q, cap, scale,
                          step.seqused_k);
    }
    // Fallback: gather this step's slots and expand their heads ([n·C, H, D]), regions spaced by C.
    auto slots = torch::tensor(step.slots, torch::kLong).to(q.device());
    const auto gather = [&](const at::Tensor& c) {
      return expand_kv(c.index_select(0, slots), heads).view({-1, heads, c.size(3)});
    };
    auto cu_k = torch::arange(0, static_cast<int64_t>(step.slots.size()) + 1, torch::kInt).to(q.device()) * cap;
    return flash_varlen(q, gather(k_cache), gather(v_cache), step.cu_seqlens_q, cu_k.to(torch::kInt), step.max_q, cap,
                        scale, step.seqused_k);
  }
  std::vector<at::Tensor> outs;
  int64_t start = 0;
  for (size_t i = 0; i < step.slots.size(); ++i) {
    const int64_t used = step.starts[i] + step.counts[i];
    auto k = k_cache[step.slots[i]].narrow(0, 0, used), v = v_cache[step.slots[i]].narrow(0, 0, used);
    outs.push_back(exact_attention(q.narrow(0, start, step.counts[i]), k, v, step.starts[i], scale));
    start += step.counts[i];
  }
  return outs.size() == 1 ? outs[0] : torch::cat(outs, 0);
}

}  // namespace grpo
