// PackedBatch: n token sequences concatenated into one [T] row (no padding), the input of the training
// and scoring forward. cu_seqlens[i] is where sequence i starts; positions restart at 0 per sequence.
// Lengths are kept on the host too, so that attention never has to read cu_seqlens back from the GPU.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <vector>

namespace grpo {

struct PackedBatch {
  at::Tensor input_ids;     // [T] int64
  at::Tensor position_ids;  // [T] int64, 0..len_i-1 for each sequence
  at::Tensor cu_seqlens;    // [n+1] int32: 0, len_0, len_0+len_1, ..., T
  std::vector<int64_t> lengths;  // host copy of the n lengths
  int64_t max_seqlen = 0;
  int64_t total_tokens() const;
  int64_t num_sequences() const { return static_cast<int64_t>(lengths.size()); }
};

// From host token lists (each non-empty).
PackedBatch pack_sequences(const std::vector<std::vector<int64_t>>& sequences, const c10::Device& device);
// From already packed ids [T] (any device) and the host lengths that partition them.
PackedBatch make_packed_batch(const at::Tensor& input_ids, const std::vector<int64_t>& lengths);

}  // namespace grpo
