// Module construction (parameter shapes and names). Shapes follow HF's nn.Linear convention [out, in].
#include "src/model/layers.h"

#include <torch/torch.h>

namespace grpo {

ProjImpl::ProjImpl(int64_t in, int64_t out, bool with_bias, const torch::TensorOptions& o) {
  weight = register_parameter("weight", torch::empty({out, in}, o));
  if (with_bias) bias = register_parameter("bias", torch::empty({out}, o));
}

ProjImpl::ProjImpl(torch::Tensor w, torch::Tensor b) {
  weight = register_parameter("weight", std::move(w));
  if (b.defined()) bias = register_parameter("bias", std::move(b));
}

namespace {
template <class Module> Proj group_member(Module& m, const char* name, const ProjGroup& g, size_t i) {
  return m.register_module(name, Proj(group_weight_slice(g, i), group_bias_slice(g, i)));
}
}  // namespace

WeightImpl::WeightImpl(std::vector<int64_t> shape, const torch::TensorOptions& o) {
  weight = register_parameter("weight", torch::empty(shape, o));
}

AttentionImpl::AttentionImpl(const ModelConfig& c, const torch::TensorOptions& o) {
  qkv = make_proj_group(c.hidden_size, {c.q_size(), c.kv_size(), c.kv_size()}, c.qkv_bias, o);
  q_proj = group_member(*this, "q_proj", qkv, 0);
  k_proj = group_member(*this, "k_proj", qkv, 1);
  v_proj = group_member(*this, "v_proj", qkv, 2);
  o_proj = register_module("o_proj", Proj(c.q_size(), c.hidden_size, c.o_bias, o));
  if (c.qk_norm) {
    q_norm = register_module("q_norm", Weight(std::vector<int64_t>{c.head_dim}, o));
    k_norm = register_module("k_norm", Weight(std::vector<int64_t>{c.head_dim}, o));
  }
}

MlpImpl::MlpImpl(const ModelConfig& c, const torch::TensorOptions& o) {
  gate_up = make_proj_group(c.hidden_size, {c.intermediate_size, c.intermediate_size}, c.mlp_bias, o);
  gate_proj = group_member(*this, "gate_proj", gate_up, 0);
  up_proj = group_member(*this, "up_proj", gate_up, 1);
  down_proj = register_module("down_proj", Proj(c.intermediate_size, c.hidden_size, c.mlp_bias, o));
}

DecoderLayerImpl::DecoderLayerImpl(const ModelConfig& c, int64_t i, const torch::TensorOptions& o)
    : config(&c), index(i) {
  self_attn = register_module("self_attn", Attention(c, o));
  mlp = register_module("mlp", Mlp(c, o));
  input_layernorm = register_module("input_layernorm", Weight(std::vector<int64_t>{c.hidden_size}, o));
  post_attention_layernorm = register_module("post_attention_layernorm", Weight(std::vector<int64_t>{c.hidden_size}, o));
}

BackboneImpl::BackboneImpl(const ModelConfig& c, const torch::TensorOptions& o) {
  embed_tokens = register_module("embed_tokens", Weight(std::vector<int64_t>{c.vocab_size, c.hidden_size}, o));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layers->push_back(DecoderLayer(c, i, o));
  norm = register_module("norm", Weight(std::vector<int64_t>{c.hidden_size}, o));
}

}  // namespace grpo
