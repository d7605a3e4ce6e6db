// Construction of PackedBatch: positions and cu_seqlens are built on the host and moved once.
#include "src/model/packed_batch.h"

#include <torch/torch.h>

#include "src/tensor/host_to_device.h"
#include "src/util/error.h"

namespace grpo {

int64_t PackedBatch::total_tokens() const { return input_ids.defined() ? input_ids.numel() : 0; }

PackedBatch make_packed_batch(const at::Tensor& input_ids, const std::vector<int64_t>& lengths) {
  if (lengths.empty()) fail("packed batch: no sequences. HINT: pass at least one non-empty sequence");
  std::vector<int64_t> positions;
  std::vector<int32_t> cu{0};
  int64_t total = 0, longest = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (lengths[i] <= 0) fail("packed batch: sequence {} is empty. HINT: drop empty sequences before packing", i);
    for (int64_t p = 0; p < lengths[i]; ++p) positions.push_back(p);
    total += lengths[i];
    longest = std::max(longest, lengths[i]);
    if (total > std::numeric_limits<int32_t>::max()) fail("packed batch: more than 2^31 tokens");
    cu.push_back(static_cast<int32_t>(total));
  }
  if (input_ids.dim() != 1 || input_ids.numel() != total)
    fail("packed batch: input_ids has shape {} but the lengths sum to {}", c10::str(input_ids.sizes()), total);
  const auto device = input_ids.device();
  PackedBatch b;
  b.input_ids = input_ids.to(torch::kLong);
  b.position_ids = host_to_device(positions, torch::kLong, device);
  b.cu_seqlens = host_to_device(cu, torch::kInt, device);
  b.lengths = lengths;
  b.max_seqlen = longest;
  return b;
}

PackedBatch pack_sequences(const std::vector<std::vector<int64_t>>& sequences, const c10::Device& device) {
  std::vector<int64_t> flat, lengths;
  for (const auto& s : sequences) {
    flat.insert(flat.end(), s.begin(), s.end());
    lengths.push_back(static_cast<int64_t>(s.size()));
  }
  return make_packed_batch(host_to_device(flat, torch::kLong, device), lengths);
}

}  // namespace grpo
