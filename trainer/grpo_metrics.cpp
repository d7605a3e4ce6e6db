#include "trainer/grpo_metrics.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "src/util/error.h"
#include "src/util/jsonl.h"

namespace grpo {
namespace {

struct MeanStd {
  double mean = 0, std = 0;
};
// Population mean and unbiased std, as torch's .std() that TRL logs.
MeanStd mean_std(const std::vector<double>& v) {
  MeanStd m;
  if (v.empty()) return m;
  for (double x : v) m.mean += x;
  m.mean /= static_cast<double>(v.size());
  if (v.size() > 1) {
    for (double x : v) m.std += (x - m.mean) * (x - m.mean);
    m.std = std::sqrt(m.std / static_cast<double>(v.size() - 1));
  }
  return m;
}

}  // namespace

Metrics grpo_step_metrics(const GrpoBatch& batch, const RewardSet& rewards, const GrpoUpdateStats& u,
                          const GrpoStepTimes& times, int64_t skipped_steps, bool with_kl) {
  std::vector<double> totals, lengths;
  std::vector<std::vector<double>> per_function(rewards.labels().size());
  int64_t truncated = 0;
  for (const auto& g : batch.groups)
    for (size_t s = 0; s < g.completions.size(); ++s) {
      totals.push_back(g.totals[s]);
      lengths.push_back(static_cast<double>(g.completions[s].token_ids.size()));
      truncated += g.completions[s].finish_reason == FinishReason::kLength ? 1 : 0;
      for (size_t f = 0; f < per_function.size(); ++f) per_function[f].push_back(g.scores[s][f]);
    }
  const double n = std::max<double>(1.0, static_cast<double>(totals.size()));
  Metrics m;
  m.emplace_back("reward", mean_std(totals).mean);
  m.emplace_back("reward_std", batch.advantages.stats.reward_std_mean);  // mean of the per-group stds (TRL)
  for (size_t f = 0; f < per_function.size(); ++f) {
    const auto ms = mean_std(per_function[f]);
    m.emplace_back("rewards/" + rewards.labels()[f] + "/mean", ms.mean);
    m.emplace_back("rewards/" + rewards.labels()[f] + "/std", ms.std);
  }
  if (auto f = rewards.find_role(RewardRole::kAccuracy)) {
    const auto correct = std::count_if(per_function[*f].begin(), per_function[*f].end(), is_correct);
    m.emplace_back("accuracy", static_cast<double>(correct) / n);
  }
  if (auto f = rewards.find_role(RewardRole::kFormat)) m.emplace_back("format_rate", mean_std(per_function[*f]).mean);
  m.emplace_back("frac_reward_zero_std", times.first_round_frac_zero_std);
  m.emplace_back("completions/mean_length", mean_std(lengths).mean);
  m.emplace_back("completions/min_length", lengths.empty() ? 0.0 : *std::min_element(lengths.begin(), lengths.end()));
  m.emplace_back("completions/max_length", lengths.empty() ? 0.0 : *std::max_element(lengths.begin(), lengths.end()));
  m.emplace_back("completions/clipped_ratio", static_cast<double>(truncated) / n);
  if (batch.masked_truncated > 0) m.emplace_back("completions/masked_truncated", static_cast<double>(batch.masked_truncated));
  if (with_kl) m.emplace_back("kl", u.kl);
  m.emplace_back("entropy", u.entropy);
  m.emplace_back("clip_ratio/low_mean", u.clip_low);
  m.emplace_back("clip_ratio/high_mean", u.clip_high);
  m.emplace_back("clip_ratio/region_mean", u.clip_region);
  m.emplace_back("loss", u.loss);
  m.emplace_back("grad_norm", u.grad_norm);
  m.emplace_back("learning_rate", u.learning_rate);
  m.emplace_back("sampling/logprob_diff", u.sampler_logprob_diff);
  if (u.importance_weight > 0) m.emplace_back("sampling/importance_weight_mean", u.importance_weight);
  if (times.sampling_rounds > 1) m.emplace_back("dynamic_sampling/rounds", static_cast<double>(times.sampling_rounds));
  m.emplace_back("tokens_per_s", times.step_s > 0 ? static_cast<double>(times.generated_tokens) / times.step_s : 0.0);
  m.emplace_back("num_tokens", static_cast<double>(u.tokens));
  m.emplace_back("time/rollout_s", times.rollout_s);
  m.emplace_back("time/reward_s", times.reward_s);
  m.emplace_back("time/ref_s", u.ref_s);
  m.emplace_back("time/update_s", u.update_s);
  m.emplace_back("time/step_s", times.step_s);
  m.emplace_back("skipped_steps", static_cast<double>(skipped_steps));
  return m;
}

void dump_samples(const std::string& path, int64_t step, const GrpoBatch& batch, const RewardSet& rewards,
                  int64_t num_prompts) {
  std::FILE* out = std::fopen(path.c_str(), "a");
  if (out == nullptr) fail("{}: cannot open for appending", path);
  const auto adv = batch.advantages.advantages.to(torch::kDouble).contiguous();
  const auto a = adv.accessor<double, 2>();
  const int64_t prompts = std::min<int64_t>(num_prompts, static_cast<int64_t>(batch.groups.size()));
  for (int64_t p = 0; p < prompts; ++p) {
    const auto& g = batch.groups[p];
    for (size_t s = 0; s < g.completions.size(); ++s) {
      Json scores = Json::object();
      for (size_t f = 0; f < rewards.labels().size(); ++f) scores[rewards.labels()[f]] = g.scores[s][f];
      write_jsonl_line(out, Json{{"step", step},
                                 {"prompt_index", p},
                                 {"sample_index", s},
                                 {"prompt", g.prompt_text},
                                 {"completion", g.completions[s].text},
                                 {"rewards", scores},
                                 {"reward", g.totals[s]},
                                 {"advantage", a[p][static_cast<int64_t>(s)]},
                                 {"completion_tokens", g.completions[s].token_ids.size()},
                                 {"finish_reason", std::string(finish_reason_name(g.completions[s].finish_reason))}});
    }
  }
  if (std::fclose(out) != 0) fail("{}: write failed", path);
}

}  // namespace grpo
