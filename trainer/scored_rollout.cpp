#include "trainer/scored_rollout.h"

#include <algorithm>
#include <fmt/format.h>

#include "src/model/generation_config.h"
#include "src/util/error.h"

namespace grpo {

PromptBatch render_prompts(std::span<const PromptRow* const> rows, const PromptTemplate& prompt_template,
                           const Tokenizer& tok) {
  PromptBatch batch;
  batch.rows.reserve(rows.size());
  for (const PromptRow* r : rows) {
    const std::string where = fmt::format("{}:{}", r->file, r->line);
    batch.rows.push_back(&r->row);
    batch.texts.push_back(prompt_template.render(r->row, where));
    batch.ids.push_back(tok.encode(batch.texts.back()));
    if (batch.ids.back().empty())
      fail("{}: the prompt is empty after templating and tokenization. HINT: check the prompt field", where);
  }
  return batch;
}

RewardBatch score_completions(const RewardSet& rewards, const PromptBatch& prompts,
                              const std::vector<Completion>& completions) {
  std::vector<RewardInput> inputs;
  inputs.reserve(completions.size());
  for (const auto& c : completions) {
    const auto p = static_cast<size_t>(c.prompt_index);
    if (p >= prompts.size()) fail("score_completions: completion of prompt {} but only {} prompts", p, prompts.size());
    RewardInput in;
    in.prompt = prompts.texts[p];
    in.completion = c.text;
    in.completion_tokens = static_cast<int64_t>(c.token_ids.size());
    in.finish_reason = finish_reason_name(c.finish_reason);
    in.row = prompts.rows[p];
    inputs.push_back(in);
  }
  return rewards.score(inputs);
}

ScoredRollout sample_and_score(RolloutEngine& engine, const RewardSet& rewards, const PromptBatch& prompts,
                               int64_t num_samples, const SamplingParams& params, const ProgressFn& progress) {
  ScoredRollout out;
  out.rollout = engine.generate(prompts.ids, num_samples, params, progress);
  out.rewards = score_completions(rewards, prompts, out.rollout.completions);
  return out;
}

std::vector<TokenId> default_eos_ids(const std::filesystem::path& model_dir, const Tokenizer& tok) {
  std::vector<TokenId> ids = generation_config_eos(model_dir);
  if (tok.eos_id() >= 0) ids.push_back(tok.eos_id());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace grpo
