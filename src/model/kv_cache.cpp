// KV cache allocation, prefix copies and the host-side bookkeeping of one cached forward.
#include "src/model/kv_cache.h"

#include <torch/torch.h>

#include "src/tensor/host_to_device.h"
#include "src/util/error.h"

namespace grpo {

KVCache make_kv_cache(const ModelConfig& c, int64_t slots, int64_t capacity, const at::TensorOptions& options) {
  if (slots <= 0 || capacity <= 0) fail("kv cache: slots ({}) and capacity ({}) must be positive", slots, capacity);
  const std::vector<int64_t> shape{c.num_hidden_layers, slots, capacity, c.num_key_value_heads, c.head_dim};
  return KVCache{torch::zeros(shape, options), torch::zeros(shape, options)};
}

void copy_slot_prefix(KVCache& cache, int64_t src, const std::vector<int64_t>& dst, int64_t length) {
  if (src < 0 || src >= cache.slots() || length < 0 || length > cache.capacity())
    fail("kv cache: copy_slot_prefix(src={}, length={}) outside {} slots x {} positions", src, length, cache.slots(),
         cache.capacity());
  if (dst.empty() || length == 0) return;
  for (int64_t d : dst)
    if (d < 0 || d >= cache.slots()) fail("kv cache: destination slot {} outside 0..{}", d, cache.slots() - 1);
  torch::NoGradGuard no_grad;
  const auto index = host_to_device(dst, torch::kLong, cache.k.device());
  for (at::Tensor* t : {&cache.k, &cache.v}) {
    // [L, 1, len, KVH, D] broadcast into the G destination slots in one index_copy per tensor.
    auto prefix = t->narrow(1, src, 1).narrow(2, 0, length);
    auto region = t->narrow(2, 0, length);
    region.index_copy_(1, index, prefix.expand({-1, static_cast<int64_t>(dst.size()), -1, -1, -1}).contiguous());
  }
}

CachedStep make_cached_step(const at::Tensor& input_ids, std::vector<int64_t> slots, std::vector<int64_t> starts,
                            std::vector<int64_t> counts, const KVCache& cache) {
  const size_t n = slots.size();
  if (n == 0 || starts.size() != n || counts.size() != n)
    fail("forward_cached: slots ({}), starts ({}) and counts ({}) must have the same non-zero length", n, starts.size(),
         counts.size());
  const int64_t cap = cache.capacity();
  if (cache.slots() * cap > std::numeric_limits<int32_t>::max())
    fail("forward_cached: {} slots x {} positions exceed the 2^31 rows flash attention can index", cache.slots(), cap);
  std::vector<int64_t> positions, write, last;
  std::vector<int32_t> cu_q{0}, cu_k, used;
  int64_t total = 0, max_q = 0;
  for (size_t i = 0; i < n; ++i) {
    if (slots[i] < 0 || slots[i] >= cache.slots()) fail("forward_cached: slot {} outside 0..{}", slots[i], cache.slots() - 1);
    if (counts[i] <= 0 || starts[i] < 0 || starts[i] + counts[i] > cap)
      fail("forward_cached: sequence {} writes positions [{}, {}) but a slot holds {}. HINT: allocate a larger cache",
           i, starts[i], starts[i] + counts[i], cap);
    for (int64_t j = 0; j < counts[i]; ++j) {
      positions.push_back(starts[i] + j);
      write.push_back(slots[i] * cap + starts[i] + j);
    }
    total += counts[i];
    max_q = std::max(max_q, counts[i]);
    cu_q.push_back(static_cast<int32_t>(total));
    cu_k.push_back(static_cast<int32_t>(slots[i] * cap));
    used.push_back(static_cast<int32_t>(starts[i] + counts[i]));
    last.push_back(total - 1);
  }
  cu_k.push_back(static_cast<int32_t>(cache.slots() * cap));
  if (input_ids.dim() != 1 || input_ids.numel() != total)
    fail("forward_cached: {} input ids given but the counts sum to {}", input_ids.numel(), total);
  const auto dev = cache.k.device();
  auto to_dev = [&](auto& vec, c10::ScalarType t) { return host_to_device(vec, t, dev); };
  CachedStep s;
  s.input_ids = input_ids.to(dev, torch::kLong);
  s.slots = std::move(slots);
  s.starts = std::move(starts);
  s.counts = std::move(counts);
  s.position_ids = to_dev(positions, torch::kLong);
  s.write_index = to_dev(write, torch::kLong);
  s.cu_seqlens_q = to_dev(cu_q, torch::kInt);
  s.cu_seqlens_k = to_dev(cu_k, torch::kInt);
  s.seqused_k = to_dev(used, torch::kInt);
  s.last_index = to_dev(last, torch::kLong);
  s.max_q = max_q;
  return s;
}

}  // namespace grpo
