// Loss aggregation modes (see aggregate.h).
#include "trainer/aggregate.h"

#include <torch/torch.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "src/util/error.h"

namespace grpo {
namespace {

struct AggregationEntry {
  const char* name;
  LossAggregation mode;
};
constexpr AggregationEntry kAggregations[] = {
    {"grpo", LossAggregation::kGrpo},
    {"bnpo", LossAggregation::kBnpo},
    {"dr_grpo", LossAggregation::kDrGrpo},
    {"dapo", LossAggregation::kDapo},
};

}  // namespace

const std::vector<std::string>& loss_aggregation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& e : kAggregations) v.emplace_back(e.name);
    return v;
  }();
  return names;
}

LossAggregation parse_loss_aggregation(const std::string& name) {
  for (const auto& e : kAggregations)
    if (name == e.name) return e.mode;
  fail("unknown loss_type '{}'. HINT: use one of {}", name, fmt::join(loss_aggregation_names(), ", "));
}

at::Tensor aggregate_loss(const at::Tensor& per_token_loss, const at::Tensor& mask_in, const AggregateOptions& opts) {
  TORCH_CHECK(per_token_loss.dim() == 2 && per_token_loss.sizes() == mask_in.sizes(),
              "aggregate_loss: per_token_loss ", per_token_loss.sizes(), " and mask ", mask_in.sizes(),
              " must both be [N, T]");
  const auto mask = mask_in.to(per_token_loss.scalar_type());
  const auto masked = per_token_loss * mask;
  switch (opts.mode) {
    case LossAggregation::kGrpo: {
      TORCH_CHECK(opts.num_sequences > 0, "aggregate_loss(grpo): num_sequences must be > 0");
      const auto per_sequence = masked.sum(1) / mask.sum(1).clamp_min(1.0);
      return per_sequence.sum() / opts.num_sequences;
    }
    case LossAggregation::kBnpo:
      TORCH_CHECK(opts.num_micro_batches > 0, "aggregate_loss(bnpo): num_micro_batches must be > 0");
      return masked.sum() / mask.sum().clamp_min(1.0) / opts.num_micro_batches;
    case LossAggregation::kDrGrpo:
      TORCH_CHECK(opts.num_sequences > 0 && opts.max_completion_length > 0,
                  "aggregate_loss(dr_grpo): num_sequences and max_completion_length must be > 0");
      return masked.sum() / (opts.num_sequences * opts.max_completion_length);
    case LossAggregation::kDapo:
      return masked.sum() / std::max(opts.num_tokens, 1.0);
  }
  fail("aggregate_loss: unhandled mode");
}

}  // namespace grpo
