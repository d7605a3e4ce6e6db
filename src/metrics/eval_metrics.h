// The headline numbers of `grpo eval`: pass@1, the unbiased pass@k estimator, and maj@k (majority
// vote over the k sampled answers), from per-sample correctness and extracted answers. Pure math on
// plain values, torch-free; `grpo eval` (src/cli/cmd_eval.cpp) gathers the inputs from the rewards.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace grpo {

// One sampled completion of one prompt, as the accuracy reward judged it.
struct SampleOutcome {
  bool correct = false;
  std::string answer;  // the extracted final answer, normalised (vote_answer); "" = none, does not vote
};

// Unbiased pass@k estimator (Chen et al. 2021, arXiv:2107.03374, Eq. 1) for n samples of which c
// are correct: 1 - C(n-c, k) / C(n, k), computed as 1 - prod_{i=n-c+1..n} (1 - k/i) (no large
// binomials). Needs 0 <= c <= n and 1 <= k <= n (grpo::Error otherwise).
double pass_at_k(int64_t n, int64_t c, int64_t k);

// The answer text a vote compares: trimmed, inner whitespace runs collapsed to one space.
std::string vote_answer(std::string_view raw);

// Majority vote over the samples' answers (empty answers abstain): the index of the first sample
// carrying the most frequent answer — a tie goes to the answer seen first. nullopt when no sample
// has an answer.
std::optional<size_t> majority_vote(std::span<const SampleOutcome> samples);

// maj@k of one prompt: 1 when some sample carrying the voted answer is correct, else 0 (also 0 when
// nobody voted).
double majority_correct(std::span<const SampleOutcome> samples);

struct EvalSummary {
  int64_t num_prompts = 0;
  int64_t k = 0;                            // samples per prompt
  double pass_at_1 = 0;                     // mean over prompts of c/k
  double maj_at_k = 0;                      // mean over prompts of majority_correct
  std::vector<std::pair<int64_t, double>> pass_at;  // (k', mean pass_at_k(k, c, k')) for k' = 1, 2, 4, ..., k
};

// per_prompt[p] holds the k outcomes of prompt p (every prompt the same k >= 1).
EvalSummary summarize_eval(const std::vector<std::vector<SampleOutcome>>& per_prompt);

}  // namespace grpo
