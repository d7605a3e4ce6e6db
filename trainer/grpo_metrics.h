// What a GRPO step reports: the metrics line (names as TRL's GRPOTrainer logs them where one exists,
// listed in /docs/config.md#metrics) and the sample dump (samples.jsonl, read by `grpo report`).
#pragma once
#include <string>

#include "rewards/reward_set.h"
#include "src/metrics/metrics_log.h"
#include "trainer/grpo_batch.h"
#include "trainer/grpo_update.h"

namespace grpo {

struct GrpoStepTimes {
  double rollout_s = 0, reward_s = 0, step_s = 0;
  int64_t sampling_rounds = 1;
  double first_round_frac_zero_std = 0;  // before dynamic sampling dropped any group
  int64_t generated_tokens = 0;
};

Metrics grpo_step_metrics(const GrpoBatch& batch, const RewardSet& rewards, const GrpoUpdateStats& update,
                          const GrpoStepTimes& times, int64_t skipped_steps, bool with_kl);

// Appends the first `num_prompts` groups of the batch (every completion) to `path` as JSONL lines
// {step, prompt_index, sample_index, prompt, completion, rewards{label: score}, reward, advantage,
//  completion_tokens, finish_reason}.
void dump_samples(const std::string& path, int64_t step, const GrpoBatch& batch, const RewardSet& rewards,
                  int64_t num_prompts);

}  // namespace grpo
