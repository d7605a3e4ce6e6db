// CausalLM construction, initialisation and the two forward entries.
#include "src/model/causal_lm.h"

#include <torch/torch.h>

#include "src/model/layer_checkpoint.h"
#include "src/tensor/rms_norm.h"
#include "src/util/error.h"

namespace grpo {

namespace {
// "cuda" (no index) means the current GPU; resolve it to "cuda:N" so that device comparisons with
// tensors (which always carry an index) hold.
torch::TensorOptions with_concrete_device(const torch::TensorOptions& options) {
  if (options.device().has_index() || options.device().is_cpu()) return options;
  return options.device(torch::empty({0}, options).device());
}
}  // namespace

CausalLMImpl::CausalLMImpl(ModelConfig config, const torch::TensorOptions& options)
    : config_(std::move(config)), options_(with_concrete_device(options)) {
  model = register_module("model", Backbone(config_, options_));
  if (!config_.tie_word_embeddings)
    lm_head = register_module("lm_head", Proj(config_.hidden_size, config_.vocab_size, false, options_));
  inv_freq_ = rope_inv_freq(config_).to(options_.device());
}

void CausalLMImpl::init_weights(uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& p : named_parameters()) {
    const std::string& name = p.key();
    auto& w = p.value();
    const bool is_norm = name.find("norm.weight") != std::string::npos;  // *_layernorm, norm, q_norm, k_norm
    if (is_norm) {
      w.fill_(1.0);
    } else if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0) {
      w.zero_();
    } else {  // drawn on the CPU with one generator, so a seed gives the same weights on every device
      w.copy_(at::normal(0.0, config_.initializer_range, w.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat)));
    }
  }
}

torch::Tensor CausalLMImpl::lm_head_weight() const {
  return lm_head ? lm_head->weight : model->embed_tokens->weight;
}

RopeTables CausalLMImpl::rope(const torch::Tensor& positions) const {
  return rope_tables(inv_freq_, positions, options_.dtype().toScalarType());
}

torch::Tensor CausalLMImpl::hidden_states(const PackedBatch& batch) {
  TORCH_CHECK(batch.input_ids.device() == options_.device(), "hidden_states: batch on ", batch.input_ids.device(),
              " but the model is on ", options_.device());
  AttentionContext ctx;
  ctx.rope = rope(batch.position_ids);
  ctx.packed = &batch;
  auto x = torch::embedding(model->embed_tokens->weight, batch.input_ids);  // [T, hidden]
  const bool checkpoint = gradient_checkpointing_ && at::GradMode::is_enabled();
  for (const auto& m : *model->layers) {
    auto& layer = *m->as<DecoderLayerImpl>();
    x = checkpoint ? checkpointed_layer_forward(layer, x, ctx) : layer.forward(x, ctx);
  }
  return rms_norm(x, model->norm->weight, config_.rms_norm_eps);
}

TokenLogProbs CausalLMImpl::token_logprobs(const PackedBatch& batch, const torch::Tensor& targets,
                                           const LogProbOptions& opts) {
  auto h = hidden_states(batch);
  return chunked_token_logprobs(h, lm_head_weight(), targets, opts.entropy, opts.chunk_tokens, opts.temperature);
}

torch::Tensor CausalLMImpl::forward_cached(const CachedStep& step, KVCache& cache, at::ScalarType logits_dtype) {
  torch::NoGradGuard no_grad;
  if (cache.k.size(0) != config_.num_hidden_layers || cache.k.size(3) != config_.num_key_value_heads ||
      cache.k.size(4) != config_.head_dim || cache.k.device() != options_.device())
    fail("forward_cached: the KV cache {} on {} does not fit this model. HINT: build it with make_kv_cache(config)",
         c10::str(cache.k.sizes()), c10::str(cache.k.device()));
  AttentionContext ctx;
  ctx.rope = rope(step.position_ids);
  ctx.cache = &cache;
  ctx.step = &step;
  // The residual stream goes from layer to layer unsummed: each layer's MLP output is added inside the
  // next layer's input norm, and the last one inside the final norm (of the last tokens only).
  ResidualStream s{torch::embedding(model->embed_tokens->weight, step.input_ids), {}};
  for (const auto& m : *model->layers) s = m->as<DecoderLayerImpl>()->forward(s, ctx);
  // With one new token per sequence (decode) every token is a last token: no gather.
  const auto last = [&](const at::Tensor& t) { return t.defined() ? t.index_select(0, step.last_index) : t; };
  const ResidualStream tail = step.last_index.size(0) == s.x.size(0) ? s : ResidualStream{last(s.x), last(s.delta)};
  const at::Tensor h = tail.normed(model->norm->weight, config_.rms_norm_eps).second;
  return at::linear(h, lm_head_weight()).to(logits_dtype);
}

torch::Tensor CausalLMImpl::forward_cached(const torch::Tensor& input_ids, const std::vector<int64_t>& slots,
                                           const std::vector<int64_t>& starts, const std::vector<int64_t>& counts,
                                           KVCache& cache) {
  return forward_cached(make_cached_step(input_ids, slots, starts, counts, cache), cache);
}

}  // namespace grpo
