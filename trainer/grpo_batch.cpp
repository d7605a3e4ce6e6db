#include "trainer/grpo_batch.h"

#include <torch/torch.h>

#include "src/util/error.h"

namespace grpo {

bool ScoredGroup::all_equal() const {
  for (double t : totals)
    if (t != totals.front()) return false;
  return true;
}

std::vector<ScoredGroup> make_groups(const PromptBatch& prompts, ScoredRollout&& scored, int64_t num_samples) {
  auto& completions = scored.rollout.completions;
  const auto& rewards = scored.rewards;
  const size_t G = static_cast<size_t>(num_samples);
  if (completions.size() != prompts.size() * G)
    fail("make_groups: {} completions for {} prompts x {} (internal)", completions.size(), prompts.size(), G);
  std::vector<ScoredGroup> groups(prompts.size());
  for (size_t p = 0; p < prompts.size(); ++p) {
    ScoredGroup& g = groups[p];
    g.row = prompts.rows[p];
    g.prompt_text = prompts.texts[p];
    g.prompt_ids = prompts.ids[p];
    for (size_t s = 0; s < G; ++s) {
      const size_t i = p * G + s;
      g.completions.push_back(std::move(completions[i]));
      g.totals.push_back(rewards.total[i]);
      std::vector<double> per_function;
      for (const auto& f : rewards.scores) per_function.push_back(f[i]);
      g.scores.push_back(std::move(per_function));
    }
  }
  return groups;
}

GrpoBatch make_grpo_batch(std::vector<ScoredGroup> groups, const GrpoBatchOptions& opts) {
  GrpoBatch b;
  b.groups = std::move(groups);
  const int64_t B = static_cast<int64_t>(b.groups.size());
  const int64_t G = b.num_generations();
  auto totals = torch::empty({B, G}, torch::kDouble);
  auto acc = totals.accessor<double, 2>();
  for (int64_t p = 0; p < B; ++p) {
    if (static_cast<int64_t>(b.groups[p].totals.size()) != G) fail("make_grpo_batch: groups of unequal size (internal)");
    for (int64_t s = 0; s < G; ++s) acc[p][s] = b.groups[p].totals[s];
  }
  b.advantages = group_advantages(totals, opts.advantages);
  for (const auto& g : b.groups) {
    for (const auto& c : g.completions) {
      TrainingSequence seq;
      seq.tokens.assign(g.prompt_ids.begin(), g.prompt_ids.end());
      seq.tokens.insert(seq.tokens.end(), c.token_ids.begin(), c.token_ids.end());
      seq.trained.assign(g.prompt_ids.size(), 0);
      // DAPO's overlong filtering: a completion cut by the length cap gets no loss at all.
      const bool masked = opts.mask_truncated_completions && c.finish_reason == FinishReason::kLength;
      b.masked_truncated += masked ? 1 : 0;
      seq.trained.resize(seq.tokens.size(), masked ? 0 : 1);
      b.rollout_logprobs.push_back(masked ? std::vector<float>{} : c.logprobs);
      b.sequences.push_back(std::move(seq));
    }
  }
  return b;
}

}  // namespace grpo
