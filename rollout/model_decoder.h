// ModelDecoder: adapts src/model's CausalLM + slot KVCache to rollout/decoder.h. The cache is
// allocated by reserve_cache and freed by release_cache (the trainer gets the memory back). On a GPU
// in bf16/fp16, decode steps (every count 1) replay CUDA graphs (src/model/decode_graphs.h); the
// graphs live as long as the cache, and one extra cache slot takes the graphs' padding rows. It also tracks
// which slots hold a copied prompt prefix, so that a decode graph reads each group's prompt keys once
// (GRPO_SHARED_PREFIX_ATTENTION=0 turns that off, for A/B runs).
#pragma once
#include <memory>
#include <optional>

#include "rollout/decoder.h"
#include "src/model/causal_lm.h"
#include "src/model/decode_graphs.h"
#include "src/model/kv_cache.h"
#include "src/model/prefix_sharing.h"

namespace grpo {

class ModelDecoder : public Decoder {
 public:
  // cuda_graphs: replay decode steps from CUDA graphs where DecodeGraphs::supported (else ignored).
  // shared_prefix_reads: in those graphs, read each group's shared prompt keys once (where the decode attention
  // kernel runs: head_dim 64 or 128; GRPO_SHARED_PREFIX_ATTENTION=0 also turns it off).
  explicit ModelDecoder(CausalLM model, bool cuda_graphs = true, bool shared_prefix_reads = true);
  ~ModelDecoder() override;

  int64_t vocab_size() const override { return model_->config().vocab_size; }
  c10::Device device() const override { return model_->options().device(); }
  void reserve_cache(int64_t slots, int64_t capacity) override;
  void release_cache() override;
  int64_t num_slots() const override { return cache_ ? cache_->slots() - extra_slots_ : 0; }
  int64_t slot_capacity() const override { return cache_ ? cache_->capacity() : 0; }
  int64_t cache_bytes_per_position() const override;
  at::Tensor forward_cached(const at::Tensor& ids, const std::vector<int64_t>& slots,
                            const std::vector<int64_t>& starts, const std::vector<int64_t>& counts) override;
  void copy_slot_prefix(int64_t src, const std::vector<int64_t>& dst, int64_t length) override;

  bool uses_cuda_graphs() const { return use_graphs_; }
  // Whether decode graphs read a group's shared prompt keys once per group, and how many steps did so.
  bool shares_prefix_reads() const { return share_prefixes_; }
  int64_t shared_prefix_steps() const { return shared_steps_ + (graphs_ ? graphs_->shared_prefix_steps() : 0); }
  // Graphs captured since construction (all rollouts).
  int64_t graphs_captured() const { return graphs_captured_ + (graphs_ ? graphs_->graphs_captured() : 0); }

 private:
  void drop_graphs();

  CausalLM model_;
  bool use_graphs_;
  bool share_prefixes_;
  int64_t extra_slots_ = 0;  // 1 (the graphs' scratch slot) when graphs are used
  PrefixSharing sharing_;
  std::optional<KVCache> cache_;
  std::unique_ptr<DecodeGraphs> graphs_;
  int64_t graphs_captured_ = 0, shared_steps_ = 0;
};

}  // namespace grpo
