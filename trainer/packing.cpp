#include "trainer/packing.h"

#include <torch/torch.h>

#include <algorithm>

#include "src/tensor/host_to_device.h"
#include "src/util/error.h"

namespace grpo {

PackedTraining pack_for_training(std::span<const TrainingSequence* const> sequences, const c10::Device& device) {
  std::vector<std::vector<int64_t>> tokens;
  std::vector<int64_t> targets, positions_flat;
  std::vector<float> mask;
  std::vector<std::vector<int64_t>> trained_positions(sequences.size());
  int64_t offset = 0;
  size_t longest = 0;
  for (size_t s = 0; s < sequences.size(); ++s) {
    const TrainingSequence& seq = *sequences[s];
    const size_t n = seq.tokens.size();
    if (n == 0) fail("pack_for_training: sequence {} is empty", s);
    if (seq.trained.size() != n) fail("pack_for_training: sequence {} has {} tokens but {} mask entries", s, n, seq.trained.size());
    if (seq.trained[0]) fail("pack_for_training: sequence {}: the first token cannot be trained (nothing predicts it)", s);
    tokens.push_back(seq.tokens);
    for (size_t i = 0; i < n; ++i) {
      // Position i predicts token i+1 of the same sequence.
      const bool has_next = i + 1 < n;
      targets.push_back(has_next ? seq.tokens[i + 1] : 0);
      const bool trained = has_next && seq.trained[i + 1];
      mask.push_back(trained ? 1.0f : 0.0f);
      if (trained) trained_positions[s].push_back(offset + static_cast<int64_t>(i));
    }
    longest = std::max(longest, trained_positions[s].size());
    offset += static_cast<int64_t>(n);
  }
  PackedTraining out;
  out.batch = pack_sequences(tokens, device);
  out.targets = host_to_device(targets, torch::kInt64, device);
  out.loss_mask = host_to_device(mask, torch::kFloat32, device);
  const int64_t L = static_cast<int64_t>(std::max<size_t>(longest, 1));
  const int64_t n = static_cast<int64_t>(sequences.size());
  auto pos = torch::zeros({n, L}, torch::kInt64);
  auto pmask = torch::zeros({n, L}, torch::kFloat32);
  auto pos_a = pos.accessor<int64_t, 2>();
  auto pmask_a = pmask.accessor<float, 2>();
  for (int64_t s = 0; s < n; ++s)
    for (size_t j = 0; j < trained_positions[s].size(); ++j) {
      pos_a[s][static_cast<int64_t>(j)] = trained_positions[s][j];
      pmask_a[s][static_cast<int64_t>(j)] = 1.0f;
      ++out.trained_tokens;
    }
  out.trained_positions = pos.to(device);
  out.trained_mask = pmask.to(device);
  return out;
}

std::vector<std::vector<size_t>> plan_micro_batches(std::span<const int64_t> lengths, int64_t token_budget) {
  std::vector<std::vector<size_t>> batches;
  int64_t used = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (batches.empty() || (used + lengths[i] > token_budget && used > 0)) {
      batches.emplace_back();
      used = 0;
    }
    batches.back().push_back(i);
    used += lengths[i];
  }
  return batches;
}

}  // namespace grpo
