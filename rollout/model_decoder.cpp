// ModelDecoder: the cache's lifetime, the graphs' lifetime (never longer than the cache whose
// addresses they hold) and the choice between graph replay and the eager cached forward.
#include "rollout/model_decoder.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace grpo {

namespace {
bool shared_prefix_reads_enabled() {
  const char* v = std::getenv("GRPO_SHARED_PREFIX_ATTENTION");
  return v == nullptr || std::string_view(v) != "0";
}
}  // namespace

ModelDecoder::ModelDecoder(CausalLM model, bool cuda_graphs, bool shared_prefix_reads)
    : model_(std::move(model)),
      use_graphs_(cuda_graphs && DecodeGraphs::supported(model_)),
      // Only the tensor-core decode attention (head_dim 64 or 128) has the shared-prefix pass.
      share_prefixes_(use_graphs_ && shared_prefix_reads && shared_prefix_reads_enabled() &&
                      (model_->config().head_dim == 64 || model_->config().head_dim == 128)) {
  extra_slots_ = use_graphs_ ? 1 : 0;
  // The first GEMM on a device creates the cuBLAS handle and workspace (about 80 ms on the H100): do it
  // here, with the model, rather than inside the first rollout's first prefill.
  if (model_->options().device().is_cuda()) {
    torch::NoGradGuard no_grad;
    const auto w = model_->lm_head_weight().narrow(0, 0, 1);
    (void)at::linear(torch::zeros({1, w.size(1)}, w.options()), w);
  }
}

ModelDecoder::~ModelDecoder() { drop_graphs(); }

void ModelDecoder::drop_graphs() {
  if (!graphs_) return;
  graphs_captured_ += graphs_->graphs_captured();
  shared_steps_ += graphs_->shared_prefix_steps();
  graphs_.reset();
}

void ModelDecoder::reserve_cache(int64_t slots, int64_t capacity) {
  drop_graphs();
  cache_.reset();  // free the old pool before allocating the new one
  cache_.emplace(make_kv_cache(model_->config(), slots + extra_slots_, capacity, model_->options()));
  sharing_.reset(slots + extra_slots_);
  if (use_graphs_) graphs_ = std::make_unique<DecodeGraphs>(model_, *cache_, /*scratch_slot=*/slots);
}

void ModelDecoder::release_cache() {
  drop_graphs();
  cache_.reset();
  sharing_.reset(0);
}

int64_t ModelDecoder::cache_bytes_per_position() const {
  const auto& c = model_->config();
  return 2 * c.num_hidden_layers * c.num_key_value_heads * c.head_dim *
         static_cast<int64_t>(c10::elementSize(c10::typeMetaToScalarType(model_->options().dtype())));
}

at::Tensor ModelDecoder::forward_cached(const at::Tensor& ids, const std::vector<int64_t>& slots,
                                        const std::vector<int64_t>& starts, const std::vector<int64_t>& counts) {
  const bool decode = std::all_of(counts.begin(), counts.end(), [](int64_t c) { return c == 1; });
  for (size_t i = 0; i < slots.size() && i < starts.size(); ++i) sharing_.written(slots[i], starts[i]);
  if (graphs_ && decode && !counts.empty())
    return graphs_->forward(ids, slots, starts, share_prefixes_ ? &sharing_ : nullptr);
  return model_->forward_cached(ids, slots, starts, counts, *cache_);
}

void ModelDecoder::copy_slot_prefix(int64_t src, const std::vector<int64_t>& dst, int64_t length) {
  grpo::copy_slot_prefix(*cache_, src, dst, length);
  sharing_.copied(src, dst, length);
}

}  // namespace grpo
