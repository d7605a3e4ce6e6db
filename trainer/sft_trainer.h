// The SFT / pre-training loop of `grpo sft`: each step takes the next examples_per_step examples in
// the seeded order, packs them into token-budget micro-batches, backpropagates the token-mean
// negative log-likelihood of the trained tokens, and lets TrainingRun clip, step, log and save.
// Resumes exactly from the run folder's latest checkpoint. Holds no math beyond the NLL.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "src/model/causal_lm.h"
#include "trainer/packing.h"
#include "trainer/sft_config.h"

namespace grpo {

struct SftStepStats {
  double loss = 0.0;           // mean −log p over the step's trained tokens
  int64_t tokens = 0;          // all tokens forwarded
  int64_t trained_tokens = 0;  // tokens in the loss
  int64_t micro_batches = 0;
};

// Gradient accumulation of one step. With N = trained tokens of all `sequences`,
//   loss = (1/N) Σ_sequences Σ_trained t −log p(x_t | x_<t)
// Each micro-batch (consecutive sequences of at most micro_batch_tokens tokens, plan_micro_batches)
// backpropagates its own sum divided by the step's N, so the accumulated gradient — and the loss —
// do not depend on how the step is split (TRL's token-level normalisation across accumulation steps).
// Gradients are added to the parameters' .grad; the caller steps and zeroes them.
SftStepStats sft_accumulate_gradients(CausalLMImpl& model, std::span<const TrainingSequence* const> sequences,
                                      int64_t micro_batch_tokens);

// Runs `grpo sft`: trains until run.steps (or data.epochs) and returns the last checkpoint folder
// (a Hugging Face checkpoint). Test hook: GRPO_SFT_KILL_AFTER_STEP=k raises SIGKILL right after
// step k is logged (before its checkpoint, if any), to simulate a crash.
std::string run_sft(SftConfig cfg);

}  // namespace grpo
