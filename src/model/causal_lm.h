// CausalLM: a Qwen2 / Qwen3 / Llama decoder with its LM head, as a torch::nn::Module whose
// named_parameters() are exactly the Hugging Face names. Two forward entries:
//   token_logprobs(batch, targets)   training / scoring over packed sequences (differentiable)
//   forward_cached(step, cache)      prefill / decode over a slot KV cache (no grad), last-token logits
// Loading and saving live in checkpoint_load.h / checkpoint_save.h.
//
//   auto lm = load_causal_lm("ckpt/", torch::kCUDA, torch::kBFloat16);
//   auto batch = pack_sequences({{1, 2, 3}, {4, 5}}, torch::kCUDA);
//   auto lp = lm->token_logprobs(batch, next_ids, {}).logprobs;   // [5] fp32
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "src/model/kv_cache.h"
#include "src/model/layers.h"
#include "src/model/packed_batch.h"
#include "src/model/token_logprobs.h"

namespace grpo {

struct LogProbOptions {
  bool entropy = false;        // also return the per-token entropy of the next-token distribution
  int64_t chunk_tokens = 1024; // tokens per logits chunk: [chunk_tokens x V] fp32 is the most held at once
  double temperature = 1.0;    // log-probs of softmax(logits / temperature): match the rollout's sampling temperature
};

class CausalLMImpl : public torch::nn::Module {
 public:
  // Parameters are allocated uninitialised with `options` (dtype, device); call init_weights or load.
  CausalLMImpl(ModelConfig config, const torch::TensorOptions& options);

  const ModelConfig& config() const { return config_; }
  torch::TensorOptions options() const { return options_; }
  // HF's _init_weights: Linear and Embedding ~ N(0, initializer_range), biases 0, RMSNorm weights 1.
  void init_weights(uint64_t seed);
  // Per-layer activation checkpointing for packed forwards that record a gradient.
  void set_gradient_checkpointing(bool on) { gradient_checkpointing_ = on; }
  bool gradient_checkpointing() const { return gradient_checkpointing_; }

  torch::Tensor lm_head_weight() const;  // [V, hidden]: embed_tokens when tied
  // Final normalised hidden states of a packed batch: [T, hidden] in the model dtype.
  torch::Tensor hidden_states(const PackedBatch& batch);
  // log p(targets[i] | tokens ≤ i of i's sequence): [T] fp32 (and entropy [T] when asked).
  TokenLogProbs token_logprobs(const PackedBatch& batch, const torch::Tensor& targets, const LogProbOptions& opts);
  // Appends step's tokens to the cache and returns the logits of each sequence's last new token:
  // [n, V] in logits_dtype (the head's GEMM runs in the model dtype; fp32 is its exact widening).
  // Runs without recording a gradient.
  torch::Tensor forward_cached(const CachedStep& step, KVCache& cache, at::ScalarType logits_dtype = at::kFloat);
  // Convenience overload that builds the CachedStep (host bookkeeping) first.
  torch::Tensor forward_cached(const torch::Tensor& input_ids, const std::vector<int64_t>& slots,
                               const std::vector<int64_t>& starts, const std::vector<int64_t>& counts, KVCache& cache);

  Backbone model{nullptr};
  Proj lm_head{nullptr};  // null when tie_word_embeddings

 private:
  RopeTables rope(const torch::Tensor& positions) const;
  ModelConfig config_;
  torch::TensorOptions options_;
  torch::Tensor inv_freq_;  // [D/2] fp32 on the model device
  bool gradient_checkpointing_ = false;
};
TORCH_MODULE(CausalLM);

}  // namespace grpo
