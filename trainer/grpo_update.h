// The policy-update half of a GRPO step: old and reference log-probs when needed, then
// num_iterations optimizer updates, each a pass over token-budget micro-batches whose loss
// contributions (trainer/aggregate.h) sum to the step's objective. Gradients accumulate across
// micro-batches; TrainingRun::apply_gradients clips, skips non-finite steps and steps AdamW.
#pragma once
#include <cstdint>

#include "src/model/causal_lm.h"
#include "trainer/grpo_batch.h"
#include "trainer/grpo_config.h"
#include "trainer/training_run.h"

namespace grpo {

struct GrpoUpdateOptions {
  GrpoAlgorithmSection algorithm;
  double temperature = 1.0;         // the rollout's: log-probs are of softmax(logits / temperature)
  int64_t max_completion_length = 0;  // dr_grpo's normaliser
  int64_t micro_batch_tokens = 8192;
};

// Means over the trained tokens of the step: over all num_iterations passes for ratio, clip and KL;
// over the first pass for entropy and the sampler mismatch (they describe the rollout).
struct GrpoUpdateStats {
  double loss = 0, kl = 0, entropy = 0, clip_low = 0, clip_high = 0, clip_region = 0, ratio = 0;
  double grad_norm = 0, learning_rate = 0;
  double sampler_logprob_diff = 0;  // mean |log pi_trainer - log pi_sampler| (rollout vs update numerics)
  double importance_weight = 0;     // mean truncated IS weight (when importance_sampling_cap > 0)
  int64_t tokens = 0, micro_batches = 0, skipped_updates = 0;
  double ref_s = 0, update_s = 0;
};

// reference: the frozen reference policy when beta > 0, else null.
GrpoUpdateStats grpo_update(TrainingRun& run, CausalLMImpl* reference, const GrpoBatch& batch,
                            const GrpoUpdateOptions& opts);

}  // namespace grpo
