// RewardSet: the weighted combination of reward functions from config, as the trainer and
// `grpo reward` use it. Scores a batch of samples on a thread pool and returns, per sample, the
// weighted total and every function's own score and details, and per function the batch mean and
// the number of data errors. Construction loads plug-ins and builds every function, so that all
// configuration errors surface before the first step.
#pragma once
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rewards/registry.h"
#include "rewards/reward.h"
#include "src/config/config_node.h"

namespace grpo {

struct RewardSpec {
  std::string name;
  std::string label;
  double weight = 1.0;
  ConfigNode params;
  template <class V> void visit(V& v) {
    v(name, "name", "registry name (grpo reward --list)");
    v(label, "label", "key of this function in logs and output (default: name; must be unique)");
    v(weight, "weight", "weight in the total: total = sum of weight * score");
    v(params, "params", "the function's own options (docs/rewards.md)");
  }
  void validate(ConfigCheck& c) const;
};

struct RewardsConfig {
  std::vector<RewardSpec> functions;
  std::vector<std::string> plugins;
  int64_t threads = 0;
  template <class V> void visit(V& v) {
    v(functions, "functions", "reward functions: [{name, weight, params}]");
    v(plugins, "plugins", "shared libraries to dlopen that register more rewards (rewards/plugin_abi.h)");
    v(threads, "threads", "scoring threads (0 = all cores)");
  }
  void validate(ConfigCheck& c) const;
};

// Scores of one batch. F = number of functions, N = number of samples.
struct RewardBatch {
  std::vector<double> total;                 // [N] sum_f weight_f * scores[f][n]
  std::vector<std::vector<double>> scores;   // [F][N] unweighted
  std::vector<std::vector<Json>> details;    // [F][N]
  std::vector<double> mean;                  // [F] unweighted mean over the batch
  std::vector<int64_t> errors;               // [F] samples whose details carry "error"
};

// What a function measures, for the headline metrics (accuracy, format rate) of train and eval.
enum class RewardRole { kAccuracy, kFormat };

// A sample counts as correct when its accuracy-role score is >= 1 (countdown gives 0.1 for a
// well-formed wrong answer, TinyZero's shaping): the one rule behind train's `accuracy` and eval's pass@k.
inline bool is_correct(double accuracy_score) { return accuracy_score >= 1.0; }

class RewardSet {
 public:
  // Builds every function of `config` from `registry` (after loading config.plugins into it).
  // `config_node` is the YAML section the config was read from (for file:line in errors).
  RewardSet(const RewardsConfig& config, const ConfigNode& config_node, RewardRegistry& registry);
  // For a config built in code (no YAML behind it): errors name the dotted keys only.
  RewardSet(const RewardsConfig& config, RewardRegistry& registry) : RewardSet(config, ConfigNode{}, registry) {}
  ~RewardSet();

  const std::vector<std::string>& labels() const { return labels_; }
  const std::vector<double>& weights() const { return weights_; }
  const std::vector<std::string>& names() const { return names_; }  // registry names, same order
  // The first function playing `role`: accuracy = accuracy_math | countdown | exact_match | choice;
  // format = format. nullopt when the set has none; correctness is judged by is_correct().
  std::optional<size_t> find_role(RewardRole role) const;

  // Thread-safe. A reward that throws, or returns a non-finite score, fails the whole call with a
  // grpo::Error naming the function and the sample index.
  RewardBatch score(std::span<const RewardInput> inputs) const;

 private:
  std::vector<std::string> labels_, names_;
  std::vector<double> weights_;
  std::vector<std::unique_ptr<Reward>> rewards_;
  size_t threads_ = 0;
};

// Reads and validates the `rewards:` section of a YAML file (other sections are ignored), with
// command-line overrides relative to the file root ("rewards.functions[0].weight=2" style keys
// are not supported; use "rewards.threads=4"). Throws grpo::Error listing every problem.
struct LoadedRewardsConfig {
  RewardsConfig config;
  ConfigNode node;
};
LoadedRewardsConfig load_rewards_config(const std::string& file, const std::vector<std::string>& overrides = {});

}  // namespace grpo
