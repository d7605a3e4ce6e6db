// The `grpo train` config: typed sections mapped from YAML (defaults here, in one place; every key
// documented in docs/config.md, generated from these visit() lists by `grpo train --config-reference`).
// Names follow TRL's GRPOConfig where one exists (num_generations, epsilon_high, beta, loss_type,
// scale_rewards, num_iterations, mask_truncated_completions).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "rewards/reward_set.h"
#include "trainer/train_config.h"

namespace grpo {

struct GrpoDataSection {
  std::string path;
  std::string prompt_field = "prompt";
  std::string prompt_template = "r1_zero";
  int64_t max_prompt_tokens = 1024;
  template <class V> void visit(V& v) {
    v(path, "path", "JSONL prompts: a prompt field (or chat messages) plus the fields the rewards read (required)");
    v(prompt_field, "prompt_field", "row field holding the prompt text");
    v(prompt_template, "template", "r1_zero (the R1-Zero paper's), chat (tokenizer chat template), or text with {field}s");
    v(max_prompt_tokens, "max_prompt_tokens", "rows whose rendered prompt is longer are dropped at load (counted in the log)");
  }
  void validate(ConfigCheck& c) const;
};

struct GrpoRolloutSection {
  int64_t batch_size = 64;
  int64_t num_generations = 8;
  int64_t max_new_tokens = 1024;
  double temperature = 1.0;
  double top_p = 1.0;
  int64_t top_k = 0;
  double min_p = 0.0;
  std::vector<std::string> stop;
  double cache_gb = 0.0;
  int64_t sync_interval = 4;
  bool cuda_graphs = true;
  bool dynamic_sampling = false;
  int64_t max_sampling_rounds = 3;
  template <class V> void visit(V& v) {
    v(batch_size, "batch_size", "completions per step = prompts per step x num_generations");
    v(num_generations, "num_generations", "G: completions per prompt (the group)");
    v(max_new_tokens, "max_new_tokens", "completion length cap (TRL max_completion_length)");
    v(temperature, "temperature", "sampling temperature (> 0); log-probs use the same temperature");
    v(top_p, "top_p", "nucleus sampling mass, 1 = off");
    v(top_k, "top_k", "keep the k most likely tokens, 0 = off");
    v(min_p, "min_p", "drop tokens below min_p x the top probability, 0 = off");
    v(stop, "stop", "stop strings (the completion is cut before them); the eos ids always stop");
    v(cache_gb, "cache_gb", "KV-cache budget in GiB (0 = 16 on CUDA, 4 on CPU)");
    v(sync_interval, "sync_interval", "decode steps between host syncs (results do not depend on it)");
    v(cuda_graphs, "cuda_graphs", "replay decode steps from CUDA graphs (GPU, bf16/fp16); false = eager launches");
    v(dynamic_sampling, "dynamic_sampling", "DAPO: drop groups whose rewards are all equal, sample more prompts to refill");
    v(max_sampling_rounds, "max_sampling_rounds", "dynamic sampling: extra rounds at most before training on a short batch");
  }
  void validate(ConfigCheck& c) const;
  int64_t prompts_per_step() const { return num_generations > 0 ? batch_size / num_generations : 0; }
};

struct GrpoAlgorithmSection {
  std::string loss_type = "dapo";
  std::string scale_rewards = "group";
  bool leave_one_out = false;
  double epsilon = 0.2;
  double epsilon_high = 0.0;
  double dual_clip = 0.0;
  double delta = 0.0;
  double beta = 0.0;
  int64_t num_iterations = 1;
  bool mask_truncated_completions = false;
  double importance_sampling_cap = 0.0;
  int64_t ref_refresh_steps = 0;
  template <class V> void visit(V& v) {
    v(loss_type, "loss_type", "token aggregation: grpo | bnpo | dr_grpo | dapo (TRL semantics, docs/config.md)");
    v(scale_rewards, "scale_rewards", "advantage scaling: group (GRPO) | batch | none (Dr. GRPO)");
    v(leave_one_out, "leave_one_out", "RLOO baseline: mean of the other G-1 rewards instead of the group mean");
    v(epsilon, "epsilon", "clip range below: ratio >= 1 - epsilon (and above when epsilon_high is 0)");
    v(epsilon_high, "epsilon_high", "clip range above (DAPO clip-higher, e.g. 0.28); 0 = same as epsilon");
    v(dual_clip, "dual_clip", "dual-clip constant c > 1 for negative advantages (verl clip_ratio_c); 0 = off");
    v(delta, "delta", "cap of the unclipped ratio (TRL delta); 0 = off");
    v(beta, "beta", "KL coefficient (k3 estimator); 0 = no reference model is loaded");
    v(num_iterations, "num_iterations", "mu: optimizer updates per rollout (> 1 makes the clip matter)");
    v(mask_truncated_completions, "mask_truncated_completions", "completions cut by max_new_tokens get no loss (DAPO)");
    v(importance_sampling_cap, "importance_sampling_cap",
      "truncated IS weight min(pi_old/pi_rollout, cap) between sampler and trainer log-probs; 0 = off");
    v(ref_refresh_steps, "ref_refresh_steps", "copy the policy into the reference every N steps (R1-Zero: 400); 0 = never");
  }
  void validate(ConfigCheck& c) const;
};

struct GrpoLogSection {
  int64_t sample_every = 10;
  int64_t samples_prompts = 2;
  template <class V> void visit(V& v) {
    v(sample_every, "sample_every", "dump completions to samples.jsonl every N steps (0 = never)");
    v(samples_prompts, "samples_prompts", "prompts (each with all its G completions) per dump");
  }
  void validate(ConfigCheck& c) const;
};

struct GrpoConfig {
  ModelSection model;
  GrpoDataSection data;
  GrpoRolloutSection rollout;
  GrpoAlgorithmSection algorithm;
  OptimSection optim;
  RunSection run;
  GrpoLogSection log;
  RewardsConfig rewards;
  template <class V> void visit(V& v) {
    v(model, "model", "the policy to train");
    v(data, "data", "prompts");
    v(rollout, "rollout", "sampling of the groups");
    v(algorithm, "algorithm", "advantages, the clipped objective, KL");
    v(optim, "optim", "AdamW and the learning-rate schedule");
    v(run, "run", "output folder, steps, checkpoints");
    v(log, "log", "sample dumps");
    v(rewards, "rewards", "reward functions (docs/rewards.md)");
  }
  void validate(ConfigCheck& c) const;
};

// A loaded config plus the YAML node of its rewards section (so reward errors name file:line).
struct LoadedGrpoConfig {
  GrpoConfig config;
  ConfigNode rewards_node;
};
// Reads `file`, applies `key=value` overrides, checks types, unknown keys and values; throws
// grpo::Error listing every problem with file:line and the dotted key.
LoadedGrpoConfig load_grpo_config(const std::string& file, const std::vector<std::string>& overrides = {});

}  // namespace grpo
