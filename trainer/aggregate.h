// Loss aggregation: how per-token losses become one scalar. Selected by name (loss_type), kept
// apart from the per-token objective as in TRL and verl.
//
// Every mode is written as a *contribution*: the value for one micro-batch on one rank, such that
// SUMMING the contributions (and their gradients) over all micro-batches and ranks of an optimizer
// step gives the step's objective. The trainer sum-reduces gradients across ranks. With one
// micro-batch on one rank each mode equals TRL GRPOTrainer's `loss_type` of the same name:
//   grpo:    mean over sequences of (mean over the sequence's tokens)    — DeepSeekMath Eq. 3
//   bnpo:    mean over micro-batches of (token mean within the micro-batch)
//   dr_grpo: Σ tokens / (number of sequences × max completion length)    — arXiv:2503.20783 Eq. 5
//   dapo:    Σ tokens / (active tokens in the whole step)                 — arXiv:2503.14476 Eq. 8
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace grpo {

enum class LossAggregation { kGrpo, kBnpo, kDrGrpo, kDapo };
LossAggregation parse_loss_aggregation(const std::string& name);  // lists the names on error
const std::vector<std::string>& loss_aggregation_names();

// Global counts over the optimizer step (all micro-batches, all ranks).
struct AggregateOptions {
  LossAggregation mode = LossAggregation::kGrpo;
  double num_sequences = 0;          // grpo, dr_grpo
  double num_tokens = 0;             // dapo: Σ mask over the step
  double num_micro_batches = 1;      // bnpo
  double max_completion_length = 0;  // dr_grpo
};

// per_token_loss, mask: [N, T] -> 0-dim contribution.
at::Tensor aggregate_loss(const at::Tensor& per_token_loss, const at::Tensor& mask, const AggregateOptions& opts);

}  // namespace grpo
