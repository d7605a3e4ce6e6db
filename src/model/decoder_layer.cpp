// Forward of one decoder layer (pre-norm, SwiGLU MLP, GQA attention with RoPE; Qwen3 adds a per-head
// RMSNorm on q and k before RoPE). While a gradient is being recorded, q/k/v and gate/up run as one
// matmul each over concatenated weights (fewer, larger GEMMs for training); without a gradient the
// separate weights are used directly so decode does not copy weights every step.
#include <torch/torch.h>

#include "src/model/attention.h"
#include "src/model/kv_cache.h"
#include "src/model/layers.h"
#include "src/model/packed_batch.h"
#include "src/tensor/rms_norm.h"

namespace grpo {
namespace {

at::Tensor linear(const at::Tensor& x, const Proj& p) { return at::linear(x, p->weight, p->bias); }

bool fuse_projections() { return at::GradMode::is_enabled(); }

// Runs projections [p_0..p_n) as one matmul on concatenated weights and splits the result.
std::vector<at::Tensor> fused_linear(const at::Tensor& x, const std::vector<Proj>& ps) {
  std::vector<at::Tensor> ws, bs;
  std::vector<int64_t> sizes;
  for (const auto& p : ps) {
    ws.push_back(p->weight);
    if (p->bias.defined()) bs.push_back(p->bias);
    sizes.push_back(p->weight.size(0));
  }
  const auto bias = bs.size() == ps.size() ? torch::cat(bs) : at::Tensor();
  return at::linear(x, torch::cat(ws), bias).split_with_sizes(sizes, -1);
}

}  // namespace

at::Tensor DecoderLayerImpl::forward(const at::Tensor& x, const AttentionContext& ctx) {
  const ModelConfig& c = *config;
  const int64_t T = x.size(0);
  auto& attn = *self_attn;

  // --- attention block ---
  auto h = rms_norm(x, input_layernorm->weight, c.rms_norm_eps);
  at::Tensor q, k, v;
  if (fuse_projections()) {
    auto qkv = fused_linear(h, {attn.q_proj, attn.k_proj, attn.v_proj});
    q = qkv[0], k = qkv[1], v = qkv[2];
  } else {
    q = linear(h, attn.q_proj), k = linear(h, attn.k_proj), v = linear(h, attn.v_proj);
  }
  q = q.view({T, c.num_attention_heads, c.head_dim});
  k = k.view({T, c.num_key_value_heads, c.head_dim});
  v = v.view({T, c.num_key_value_heads, c.head_dim});
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
  auto hidden = x + linear(o.reshape({T, c.q_size()}), attn.o_proj);

  // --- MLP block: down(silu(gate(h)) * up(h)) ---
  auto m = rms_norm(hidden, post_attention_layernorm->weight, c.rms_norm_eps);
  at::Tensor gate, up;
  if (fuse_projections()) {
    auto gu = fused_linear(m, {mlp->gate_proj, mlp->up_proj});
    gate = gu[0], up = gu[1];
  } else {
    gate = linear(m, mlp->gate_proj), up = linear(m, mlp->up_proj);
  }
  return hidden + linear(torch::silu(gate) * up, mlp->down_proj);
}

}  // namespace grpo
