// Forward of one decoder layer (pre-norm, SwiGLU MLP, GQA attention with RoPE; Qwen3 adds a per-head
// RMSNorm on q and k before RoPE). q/k/v and gate/up run as one GEMM each over their group's weight
// buffer (grouped_linear.h), in decode and in training.
#include <torch/torch.h>

#include "src/model/attention.h"
#include "src/model/kv_cache.h"
#include "src/model/layers.h"
#include "src/model/packed_batch.h"
#include "src/tensor/rms_norm.h"
#include "src/tensor/swiglu.h"

namespace grpo {
namespace {

at::Tensor linear(const at::Tensor& x, const Proj& p) { return at::linear(x, p->weight, p->bias); }

// [T, Σ out] of a projection group, members' outputs side by side.
at::Tensor group_forward(const at::Tensor& x, const ProjGroup& g, const std::vector<Proj>& members) {
  std::vector<at::Tensor> ws, bs;
  for (const auto& p : members) {
    ws.push_back(p->weight);
    if (p->bias.defined()) bs.push_back(p->bias);
  }
  return grouped_linear_joined(x, g, ws, bs);
}

}  // namespace

std::pair<at::Tensor, at::Tensor> ResidualStream::normed(const at::Tensor& weight, double eps) const {
  if (delta.defined()) return add_rms_norm(x, delta, weight, eps);
  return {x, rms_norm(x, weight, eps)};
}

at::Tensor DecoderLayerImpl::forward(const at::Tensor& x, const AttentionContext& ctx) {
  return forward(ResidualStream{x, {}}, ctx).sum();
}

ResidualStream DecoderLayerImpl::forward(const ResidualStream& in, const AttentionContext& ctx) {
  const ModelConfig& c = *config;
  auto& attn = *self_attn;

  // --- attention block --- (x: the residual stream with the previous layer's MLP output added)
  const auto [x, h] = in.normed(input_layernorm->weight, c.rms_norm_eps);
  const int64_t T = x.size(0);
  auto qkv = group_forward(h, attn.qkv, {attn.q_proj, attn.k_proj, attn.v_proj}).split_with_sizes(attn.qkv.sizes, -1);
  auto q = qkv[0].view({T, c.num_attention_heads, c.head_dim});
  auto k = qkv[1].view({T, c.num_key_value_heads, c.head_dim});
  auto v = qkv[2].view({T, c.num_key_value_heads, c.head_dim});
  if (c.qk_norm) {
    q = rms_norm(q, attn.q_norm->weight, c.rms_norm_eps);
    k = rms_norm(k, attn.k_norm->weight, c.rms_norm_eps);
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(c.head_dim));
  at::Tensor o;
  if (ctx.packed != nullptr) {
    const auto rotated = apply_rope(q, k, ctx.rope);
    o = packed_causal_attention(rotated.q, rotated.k, v, *ctx.packed, scale);
  } else {
    // Rotate q and k and append the rotated K and the V rows to this layer's cache (one fused kernel
    // on CUDA), then attend over each slot's prefix.
    auto kc = ctx.cache->k[index], vc = ctx.cache->v[index];  // [S, C, KVH, D] views
    q = rope_cache_write(q, k, v, ctx.rope, kc, vc, ctx.step->write_index);
    o = cached_attention(q, kc, vc, *ctx.step, scale);
  }
  // hidden = x + o_proj(o) and its norm m: one kernel when no gradient is recorded.
  auto [hidden, m] = add_rms_norm(x, linear(o.reshape({T, c.q_size()}), attn.o_proj), post_attention_layernorm->weight,
                                  c.rms_norm_eps);

  // --- MLP block: down(silu(gate(m)) * up(m)), added by the caller or folded into the next norm ---
  return {hidden, linear(swiglu(group_forward(m, mlp->gate_up, {mlp->gate_proj, mlp->up_proj})), mlp->down_proj)};
}

}  // namespace grpo
