// The GRPO training loop (`grpo train`): R1-Zero-style reinforcement learning from a base checkpoint.
// Each step (DeepSeekMath arXiv:2402.03300 Algorithm 1, one outer iteration):
//   sample B prompts -> G completions each (rollout/engine.h, the policy itself, no weight sync) ->
//   rewards -> group-relative advantages -> [DAPO dynamic sampling] -> [old / reference log-probs] ->
//   num_iterations AdamW updates over token-budget micro-batches -> metrics, samples, checkpoint.
// A run folder with a checkpoint resumes exactly (same data order, same sampling seeds, same
// optimizer state), so kill -9 and restart gives the weights an uninterrupted run gives.
#pragma once
#include <memory>
#include <string>

#include "trainer/grpo_config.h"

namespace grpo {

class GrpoTrainer {
 public:
  explicit GrpoTrainer(LoadedGrpoConfig config);
  ~GrpoTrainer();
  // Runs until run.steps optimizer updates are done; returns the last checkpoint folder.
  std::string train();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace grpo
