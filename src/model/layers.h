// The modules of a Qwen2/Qwen3/Llama decoder, registered under the Hugging Face parameter names
// (`model.layers.3.self_attn.q_proj.weight`, ...) so that loading and saving are a name map and
// torch::optim sees ordinary parameters. Parameters are created uninitialised (loading fills them;
// init_weights in causal_lm.cpp draws HF's init). The forward math lives in decoder_layer.cpp.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <utility>

#include "src/model/grouped_linear.h"
#include "src/model/model_config.h"
#include "src/model/rope.h"

namespace grpo {

struct KVCache;
struct CachedStep;
struct PackedBatch;

struct ProjImpl : torch::nn::Module {  // y = x·Wᵀ + b, W [out, in]
  ProjImpl(int64_t in, int64_t out, bool bias, const torch::TensorOptions& o);
  ProjImpl(torch::Tensor weight, torch::Tensor bias);  // registers the given tensors (slices of a ProjGroup)
  torch::Tensor weight, bias;  // bias undefined when absent
};
TORCH_MODULE(Proj);

struct WeightImpl : torch::nn::Module {  // a lone weight: RMSNorm scale or embedding table
  WeightImpl(std::vector<int64_t> shape, const torch::TensorOptions& o);
  torch::Tensor weight;
};
TORCH_MODULE(Weight);

struct AttentionImpl : torch::nn::Module {
  AttentionImpl(const ModelConfig& c, const torch::TensorOptions& o);
  Proj q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
  ProjGroup qkv;  // q_proj, k_proj, v_proj are its slices
  Weight q_norm{nullptr}, k_norm{nullptr};  // qwen3 only
};
TORCH_MODULE(Attention);

struct MlpImpl : torch::nn::Module {
  MlpImpl(const ModelConfig& c, const torch::TensorOptions& o);
  Proj gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
  ProjGroup gate_up;  // gate_proj, up_proj are its slices
};
TORCH_MODULE(Mlp);

// Where attention reads and writes for one forward: either a packed batch (training/scoring) or a
// cached step (prefill/decode).
struct AttentionContext {
  RopeTables rope;
  const PackedBatch* packed = nullptr;
  KVCache* cache = nullptr;
  const CachedStep* step = nullptr;
};

// The residual stream between layers as x + delta with delta not yet added (undefined: nothing
// pending). A layer that receives it folds the add into its input norm (add_rms_norm: one kernel without
// a gradient) and hands its own MLP output on as the next delta.
struct ResidualStream {
  at::Tensor x, delta;
  at::Tensor sum() const { return delta.defined() ? x + delta : x; }
  // {x + delta, RMSNorm(x + delta)}: one add_rms_norm when an add is pending, else {x, rms_norm(x)}.
  std::pair<at::Tensor, at::Tensor> normed(const at::Tensor& weight, double eps) const;
};

struct DecoderLayerImpl : torch::nn::Module {
  DecoderLayerImpl(const ModelConfig& c, int64_t index, const torch::TensorOptions& o);
  // x [T, hidden] -> [T, hidden]:  h = x + Attn(RMSNorm(x));  out = h + MLP(RMSNorm(h)).
  torch::Tensor forward(const torch::Tensor& x, const AttentionContext& ctx);
  // The same layer on the residual stream: returns {h, MLP(RMSNorm(h))}, whose sum is forward's out.
  ResidualStream forward(const ResidualStream& in, const AttentionContext& ctx);

  const ModelConfig* config;  // owned by the CausalLM
  int64_t index;
  Attention self_attn{nullptr};
  Mlp mlp{nullptr};
  Weight input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};
TORCH_MODULE(DecoderLayer);

struct BackboneImpl : torch::nn::Module {  // HF's `model.` prefix
  BackboneImpl(const ModelConfig& c, const torch::TensorOptions& o);
  Weight embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  Weight norm{nullptr};
};
TORCH_MODULE(Backbone);

}  // namespace grpo
