#include "trainer/grpo_config.h"

#include <fmt/format.h>

#include "src/config/config.h"
#include "trainer/aggregate.h"

namespace grpo {

void GrpoDataSection::validate(ConfigCheck& c) const {
  c.require(!path.empty(), "path", "required: the prompts JSONL. HINT: data.path=prompts.jsonl");
  c.require(!prompt_field.empty(), "prompt_field", "must not be empty");
  c.require(!prompt_template.empty(), "template", "must be r1_zero, chat, or a text template with {field}s");
  c.require(max_prompt_tokens >= 1, "max_prompt_tokens", "must be >= 1");
}

void GrpoRolloutSection::validate(ConfigCheck& c) const {
  c.require(num_generations >= 2, "num_generations",
            "must be >= 2: a group of one has no relative advantage. HINT: 8 or 16 as in the papers");
  c.require(batch_size >= 1, "batch_size", "must be >= 1");
  if (num_generations >= 1)
    c.require(batch_size % num_generations == 0, "batch_size",
              fmt::format("{} completions per step is not a multiple of num_generations = {}. HINT: batch_size = "
                          "prompts per step x num_generations, e.g. {}",
                          batch_size, num_generations, (batch_size / num_generations + 1) * num_generations));
  c.require(max_new_tokens >= 1, "max_new_tokens", "must be >= 1");
  c.require(temperature > 0, "temperature", "must be > 0 (GRPO needs sampling; greedy groups are all equal)");
  c.require(top_p > 0 && top_p <= 1, "top_p", "must be in (0, 1]");
  c.require(top_k >= 0, "top_k", "must be >= 0");
  c.require(min_p >= 0 && min_p <= 1, "min_p", "must be in [0, 1]");
  c.require(cache_gb >= 0, "cache_gb", "must be >= 0");
  c.require(sync_interval >= 1, "sync_interval", "must be >= 1");
  c.require(max_sampling_rounds >= 0, "max_sampling_rounds", "must be >= 0");
}

void GrpoAlgorithmSection::validate(ConfigCheck& c) const {
  bool known_loss = false;
  for (const auto& n : loss_aggregation_names()) known_loss |= n == loss_type;
  c.require(known_loss, "loss_type", "must be grpo, bnpo, dr_grpo or dapo");
  c.require(scale_rewards == "group" || scale_rewards == "batch" || scale_rewards == "none", "scale_rewards",
            "must be group, batch or none");
  c.require(epsilon > 0 && epsilon < 1, "epsilon", "must be in (0, 1)");
  c.require(epsilon_high >= 0, "epsilon_high", "must be >= 0 (0 = same as epsilon)");
  c.require(dual_clip == 0 || dual_clip > 1, "dual_clip", "must be 0 (off) or > 1");
  c.require(delta == 0 || delta > 1, "delta", "must be 0 (off) or > 1");
  c.require(beta >= 0, "beta", "must be >= 0");
  c.require(num_iterations >= 1, "num_iterations", "must be >= 1");
  c.require(importance_sampling_cap == 0 || importance_sampling_cap >= 1, "importance_sampling_cap",
            "must be 0 (off) or >= 1 (TRL's default cap is 2)");
  c.require(ref_refresh_steps >= 0, "ref_refresh_steps", "must be >= 0");
}

void GrpoLogSection::validate(ConfigCheck& c) const {
  c.require(sample_every >= 0, "sample_every", "must be >= 0");
  c.require(samples_prompts >= 0, "samples_prompts", "must be >= 0");
}

void GrpoConfig::validate(ConfigCheck& c) const {
  c.require(run.save_every % algorithm.num_iterations == 0, "run.save_every",
            "must be a multiple of algorithm.num_iterations: checkpoints are taken between rollouts");
  c.require(run.steps % algorithm.num_iterations == 0, "run.steps",
            "must be a multiple of algorithm.num_iterations (steps count optimizer updates; each rollout feeds "
            "num_iterations of them)");
  c.require(!rewards.functions.empty(), "rewards.functions", "at least one reward function is needed");
  if (algorithm.ref_refresh_steps > 0)
    c.require(algorithm.beta > 0, "algorithm.ref_refresh_steps", "refreshing a reference needs beta > 0");
}

LoadedGrpoConfig load_grpo_config(const std::string& file, const std::vector<std::string>& overrides) {
  ConfigNode root = load_yaml_file(file);
  apply_overrides(root, overrides);
  LoadedGrpoConfig out{GrpoConfig{}, root.child("rewards")};
  ConfigErrors errors;
  read_config(out.config, root, errors);
  if (errors.empty()) validate_config(out.config, errors);
  errors.throw_if_any(file);
  return out;
}

}  // namespace grpo
