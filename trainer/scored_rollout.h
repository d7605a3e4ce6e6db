// Prompts -> G completions each -> reward scores: the sampling half of a GRPO step, and all of what
// `grpo eval` and `grpo sample` run. One implementation so that evaluation, rejection sampling and
// training see prompts rendered, sampled and scored the same way.
//
//   PromptBatch prompts = render_prompts(rows, template, tok);
//   ScoredRollout s = sample_and_score(engine, rewards, prompts, /*G=*/16, params);
//   // s.rollout.completions[p*G + g] is scored by s.rewards.total[p*G + g]
#pragma once
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "rewards/reward_set.h"
#include "rollout/engine.h"
#include "src/data/prompt_dataset.h"
#include "src/tokenizer/prompt_template.h"
#include "src/tokenizer/tokenizer.h"

namespace grpo {

struct PromptBatch {
  std::vector<const Json*> rows;                // dataset rows (ground truth for rewards); not owned
  std::vector<std::string> texts;               // rendered prompts
  std::vector<std::vector<TokenId>> ids;        // their token ids (no BOS added)
  size_t size() const { return rows.size(); }
};

// Renders each row with `prompt_template` and tokenizes it. Errors name the row's file:line.
PromptBatch render_prompts(std::span<const PromptRow* const> rows, const PromptTemplate& prompt_template,
                           const Tokenizer& tok);

struct ScoredRollout {
  RolloutResult rollout;  // completions ordered (prompt, sample)
  RewardBatch rewards;    // one entry per completion, same order
};

// Scores completions (prompt index taken from each completion) against their prompts' rows.
RewardBatch score_completions(const RewardSet& rewards, const PromptBatch& prompts,
                              const std::vector<Completion>& completions);

ScoredRollout sample_and_score(RolloutEngine& engine, const RewardSet& rewards, const PromptBatch& prompts,
                               int64_t num_samples, const SamplingParams& params, const ProgressFn& progress = {});

// End-of-sequence ids to stop at: generation_config.json's plus the tokenizer's eos (deduplicated).
std::vector<TokenId> default_eos_ids(const std::filesystem::path& model_dir, const Tokenizer& tok);

}  // namespace grpo
