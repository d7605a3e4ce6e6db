// Rejection sampling: from G scored completions per prompt, keep those a keep expression accepts,
// drop repeated texts of the same prompt, and cap how many each prompt keeps (best total reward
// first). `grpo sample` writes what this keeps as SFT data; with a teacher model it is distillation.
// Plain data in and out: no model, no I/O.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "rewards/keep_expr.h"
#include "trainer/scored_rollout.h"

namespace grpo {

struct Candidate {
  int64_t prompt = 0, sample = 0;
  std::string_view text;
  double total = 0.0;   // weighted reward
  bool passed = false;  // the keep expression holds
};

struct SelectionStats {
  int64_t generated = 0;
  int64_t passed = 0;
  int64_t duplicates = 0;            // passed, but the same text as a better-ranked kept sample of its prompt
  int64_t capped = 0;                // passed and unique, but past max_per_prompt
  int64_t kept = 0;
  int64_t prompts_without_kept = 0;  // prompts (of num_prompts) that keep nothing
};

struct Selection {
  std::vector<size_t> kept;  // indices into the candidates: by prompt, then total desc, then sample asc
  SelectionStats stats;
};

// Per prompt: the passed candidates ranked by total (descending), ties by sample index; a text seen
// before in that ranking is a duplicate; the first max_per_prompt (0 = no cap) survivors are kept.
Selection select_candidates(const std::vector<Candidate>& candidates, int64_t num_prompts, int64_t max_per_prompt);

// The candidates of a scored rollout, `passed` from `keep` over each completion's columns
// (reward labels in the RewardSet's order, total, completion tokens, finish reason).
std::vector<Candidate> keep_candidates(const ScoredRollout& scored, const KeepExpr& keep);

}  // namespace grpo
