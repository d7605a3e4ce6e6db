// Packing training sequences into token-budget micro-batches for the packed (varlen) forward: each
// sequence keeps its own attention span and positions (src/model/packed_batch.h), so packing never
// lets one example see another. Shared by GRPO (prompt + completion, completion trained) and SFT
// (prompt/assistant masks, or every token for pre-training).
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <span>
#include <vector>

#include "src/model/packed_batch.h"

namespace grpo {

struct TrainingSequence {
  std::vector<int64_t> tokens;
  std::vector<uint8_t> trained;  // same length; 1 = this token's log-prob is trained (never tokens[0])
};

struct PackedTraining {
  PackedBatch batch;
  at::Tensor targets;    // [T] int64: next token within the same sequence (0 at each sequence's last position)
  at::Tensor loss_mask;  // [T] float32: 1 where targets[i] is a trained token
  // The trained tokens of each sequence laid out as [n, L] (L = most trained tokens in one sequence):
  // packed position predicting the j-th trained token of sequence s (0-padded), and a [n, L] float
  // mask. Per-sequence objectives (GRPO's token means, advantages [n]) work on these padded views:
  //   per_seq_logp = logp_packed.index({trained_positions}) * trained_mask
  at::Tensor trained_positions, trained_mask;
  int64_t trained_tokens = 0;
};

// Sequences must be non-empty with matching mask lengths (grpo::Error otherwise).
PackedTraining pack_for_training(std::span<const TrainingSequence* const> sequences, const c10::Device& device);

// Splits sequences (given by length, in order) into consecutive micro-batches of at most
// token_budget tokens each; a sequence longer than the budget gets a micro-batch of its own.
// Consecutive, so that the grouping depends only on the lengths (reproducible runs).
std::vector<std::vector<size_t>> plan_micro_batches(std::span<const int64_t> lengths, int64_t token_budget);

}  // namespace grpo
