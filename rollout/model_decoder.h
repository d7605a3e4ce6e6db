// ModelDecoder: adapts src/model's CausalLM + slot KVCache to rollout/decoder.h. The cache is
// allocated by reserve_cache and freed by release_cache (the trainer gets the memory back).
#pragma once
#include <optional>
#include "rollout/decoder.h"
#include "src/model/causal_lm.h"
#include "src/model/kv_cache.h"

namespace grpo {

class ModelDecoder : public Decoder {
 public:
  explicit ModelDecoder(CausalLM model) : model_(std::move(model)) {}
  int64_t vocab_size() const override { return model_->config().vocab_size; }
  c10::Device device() const override { return model_->options().device(); }
  void reserve_cache(int64_t slots, int64_t capacity) override {
    cache_.reset();  // free the old pool before allocating the new one
    cache_.emplace(make_kv_cache(model_->config(), slots, capacity, model_->options()));
  }
  void release_cache() override { cache_.reset(); }
  int64_t num_slots() const override { return cache_ ? cache_->slots() : 0; }
  int64_t slot_capacity() const override { return cache_ ? cache_->capacity() : 0; }
  int64_t cache_bytes_per_position() const override {
    const auto& c = model_->config();
    return 2 * c.num_hidden_layers * c.num_key_value_heads * c.head_dim *
           static_cast<int64_t>(c10::elementSize(c10::typeMetaToScalarType(model_->options().dtype())));
  }
  at::Tensor forward_cached(const at::Tensor& ids, const std::vector<int64_t>& slots, const std::vector<int64_t>& starts,
                            const std::vector<int64_t>& counts) override {
    return model_->forward_cached(ids, slots, starts, counts, *cache_);
  }
  void copy_slot_prefix(int64_t src, const std::vector<int64_t>& dst, int64_t length) override {
    grpo::copy_slot_prefix(*cache_, src, dst, length);
  }

 private:
  CausalLM model_;
  std::optional<KVCache> cache_;
};

}  // namespace grpo
