// pass@k, majority vote and their means over prompts (see eval_metrics.h).
#include "src/metrics/eval_metrics.h"

#include <map>

#include "src/util/error.h"

namespace grpo {

double pass_at_k(int64_t n, int64_t c, int64_t k) {
  if (n < 1 || c < 0 || c > n || k < 1 || k > n)
    fail("pass_at_k: needs 0 <= c <= n and 1 <= k <= n, got n={} c={} k={}", n, c, k);
  if (n - c < k) return 1.0;  // every k-subset holds a correct sample
  // C(n-c, k) / C(n, k) = prod_{i=n-c+1..n} (i - k) / i
  double miss = 1.0;
  for (int64_t i = n - c + 1; i <= n; ++i) miss *= 1.0 - static_cast<double>(k) / static_cast<double>(i);
  return 1.0 - miss;
}

std::string vote_answer(std::string_view raw) {
  std::string out;
  bool pending_space = false;
  for (const char ch : raw) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(ch);
  }
  return out;
}

std::optional<size_t> majority_vote(std::span<const SampleOutcome> samples) {
  struct Tally {
    int64_t count = 0;
    size_t first = 0;
  };
  std::map<std::string_view, Tally> tally;
  std::optional<size_t> best;
  int64_t best_count = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].answer.empty()) continue;
    auto [it, fresh] = tally.try_emplace(samples[i].answer, Tally{0, i});
    (void)fresh;
    const int64_t count = ++it->second.count;
    // Strictly more votes, or as many votes with an answer seen earlier, wins.
    if (count > best_count || (count == best_count && it->second.first < *best)) {
      best_count = count;
      best = it->second.first;
    }
  }
  return best;
}

double majority_correct(std::span<const SampleOutcome> samples) {
  const auto winner = majority_vote(samples);
  if (!winner) return 0.0;
  for (const auto& s : samples)
    if (s.correct && s.answer == samples[*winner].answer) return 1.0;
  return 0.0;
}

EvalSummary summarize_eval(const std::vector<std::vector<SampleOutcome>>& per_prompt) {
  EvalSummary s;
  s.num_prompts = static_cast<int64_t>(per_prompt.size());
  if (per_prompt.empty()) fail("summarize_eval: no prompts. HINT: the eval data file must hold at least one row");
  s.k = static_cast<int64_t>(per_prompt.front().size());
  if (s.k < 1) fail("summarize_eval: prompt 0 has no samples");
  std::vector<int64_t> ks;
  for (int64_t k = 1; k < s.k; k *= 2) ks.push_back(k);
  ks.push_back(s.k);
  std::vector<double> sums(ks.size(), 0.0);
  for (size_t p = 0; p < per_prompt.size(); ++p) {
    const auto& samples = per_prompt[p];
    if (static_cast<int64_t>(samples.size()) != s.k)
      fail("summarize_eval: prompt {} has {} samples, prompt 0 has {}", p, samples.size(), s.k);
    int64_t c = 0;
    for (const auto& x : samples) c += x.correct ? 1 : 0;
    s.pass_at_1 += static_cast<double>(c) / static_cast<double>(s.k);
    s.maj_at_k += majority_correct(samples);
    for (size_t j = 0; j < ks.size(); ++j) sums[j] += pass_at_k(s.k, c, ks[j]);
  }
  const auto P = static_cast<double>(s.num_prompts);
  s.pass_at_1 /= P;
  s.maj_at_k /= P;
  for (size_t j = 0; j < ks.size(); ++j) s.pass_at.emplace_back(ks[j], sums[j] / P);
  return s;
}

}  // namespace grpo
