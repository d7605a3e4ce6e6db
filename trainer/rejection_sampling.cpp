// Keep / deduplicate / cap over scored completions (see rejection_sampling.h).
#include "trainer/rejection_sampling.h"

#include <algorithm>
#include <set>

#include "src/util/error.h"

namespace grpo {

Selection select_candidates(const std::vector<Candidate>& candidates, int64_t num_prompts, int64_t max_per_prompt) {
  if (max_per_prompt < 0) fail("--max-per-prompt: must be >= 0 (0 = no cap), got {}", max_per_prompt);
  Selection out;
  out.stats.generated = static_cast<int64_t>(candidates.size());
  std::vector<std::vector<size_t>> by_prompt(static_cast<size_t>(num_prompts));
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    if (c.prompt < 0 || c.prompt >= num_prompts)
      fail("select_candidates: candidate {} belongs to prompt {} of {} (internal)", i, c.prompt, num_prompts);
    if (!c.passed) continue;
    out.stats.passed++;
    by_prompt[static_cast<size_t>(c.prompt)].push_back(i);
  }
  for (auto& ranked : by_prompt) {
    std::sort(ranked.begin(), ranked.end(), [&](size_t a, size_t b) {
      const Candidate &x = candidates[a], &y = candidates[b];
      return x.total != y.total ? x.total > y.total : x.sample < y.sample;
    });
    std::set<std::string_view> seen;
    int64_t kept_here = 0;
    for (const size_t i : ranked) {
      if (!seen.insert(candidates[i].text).second) {
        out.stats.duplicates++;
      } else if (max_per_prompt > 0 && kept_here >= max_per_prompt) {
        out.stats.capped++;
      } else {
        out.kept.push_back(i);
        kept_here++;
      }
    }
    if (kept_here == 0) out.stats.prompts_without_kept++;
  }
  out.stats.kept = static_cast<int64_t>(out.kept.size());
  return out;
}

std::vector<Candidate> keep_candidates(const ScoredRollout& scored, const KeepExpr& keep) {
  const auto& completions = scored.rollout.completions;
  const RewardBatch& r = scored.rewards;
  std::vector<Candidate> out(completions.size());
  std::vector<double> row(r.scores.size());
  for (size_t i = 0; i < completions.size(); ++i) {
    const Completion& c = completions[i];
    for (size_t f = 0; f < r.scores.size(); ++f) row[f] = r.scores[f][i];
    const KeepSample sample{row, r.total[i], static_cast<int64_t>(c.token_ids.size()), finish_reason_name(c.finish_reason)};
    out[i] = Candidate{c.prompt_index, c.sample_index, c.text, r.total[i], keep.matches(sample)};
  }
  return out;
}

}  // namespace grpo
