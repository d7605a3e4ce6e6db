// The data of one GRPO step: the prompt groups that will be trained on (after optional DAPO dynamic
// sampling), their completions, rewards and group-relative advantages, and the token sequences the
// update runs on. Built by trainer/grpo_trainer.cpp from scored rollouts; consumed by grpo_update.
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "rewards/reward_set.h"
#include "rollout/completion.h"
#include "trainer/advantages.h"
#include "trainer/packing.h"
#include "trainer/scored_rollout.h"

namespace grpo {

// One prompt and its G scored completions.
struct ScoredGroup {
  const Json* row = nullptr;
  std::string prompt_text;
  std::vector<TokenId> prompt_ids;
  std::vector<Completion> completions;      // [G]
  std::vector<double> totals;               // [G] weighted reward
  std::vector<std::vector<double>> scores;  // [G][F] per function, unweighted
  bool all_equal() const;                   // no learning signal: every total the same
};

// Splits a scored rollout into groups of `num_samples` (completions are ordered prompt-major).
std::vector<ScoredGroup> make_groups(const PromptBatch& prompts, ScoredRollout&& scored, int64_t num_samples);

struct GrpoBatch {
  std::vector<ScoredGroup> groups;          // B groups
  AdvantageOutput advantages;               // [B, G]
  std::vector<TrainingSequence> sequences;  // [B*G] prompt + completion; completion tokens trained
  std::vector<std::vector<float>> rollout_logprobs;  // [B*G] sampler log-probs of the trained tokens
  int64_t masked_truncated = 0;             // completions whose loss was masked (cut by the length cap)
  int64_t num_generations() const { return groups.empty() ? 0 : static_cast<int64_t>(groups[0].completions.size()); }
};

struct GrpoBatchOptions {
  AdvantageOptions advantages;
  bool mask_truncated_completions = false;
};

GrpoBatch make_grpo_batch(std::vector<ScoredGroup> groups, const GrpoBatchOptions& opts);

}  // namespace grpo
