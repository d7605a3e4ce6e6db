// Building the weighted reward set from config, and scoring batches in parallel.
#include "rewards/reward_set.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "rewards/plugin.h"
#include "src/config/config.h"
#include "src/util/error.h"
#include "src/util/parallel.h"

namespace grpo {

void RewardSpec::validate(ConfigCheck& c) const {
  c.require(!name.empty(), "name", "is required (a registry name; see `grpo reward --list`)");
  c.require(std::isfinite(weight), "weight", "must be a finite number");
}

void RewardsConfig::validate(ConfigCheck& c) const {
  c.require(!functions.empty(), "functions", "must list at least one reward function");
  c.require(threads >= 0, "threads", "must be >= 0 (0 = all cores)");
  std::set<std::string> seen;
  for (const auto& f : functions) {
    const std::string label = f.label.empty() ? f.name : f.label;
    c.require(seen.insert(label).second, "functions",
              "two functions share the label '" + label + "'. HINT: give one of them `label: other_name`");
  }
}

RewardSet::RewardSet(const RewardsConfig& config, const ConfigNode& node, RewardRegistry& registry)
    : threads_(static_cast<size_t>(config.threads)) {
  // Nodes of list items when the config came from YAML (file:line in errors); tests may build a
  // config in code, with no YAML behind it.
  auto item = [&](const char* key, size_t i) -> std::optional<ConfigNode> {
    const ConfigNode list = node.node.IsDefined() && node.node.IsMap() ? node.child(key) : ConfigNode{};
    if (!list.node.IsDefined() || !list.node.IsSequence() || i >= list.node.size()) return std::nullopt;
    return list.element(i);
  };
  for (size_t i = 0; i < config.plugins.size(); ++i) {
    auto where = item("plugins", i);
    load_reward_plugin(config.plugins[i], registry, where ? where->location() : std::string("rewards.plugins"));
  }
  for (size_t i = 0; i < config.functions.size(); ++i) {
    const RewardSpec& spec = config.functions[i];
    auto where = item("functions", i);
    registry.require_known(spec.name, where ? where->child("name").location() : "rewards.functions");
    rewards_.push_back(registry.make(spec.name, where ? where->child("params") : spec.params));
    labels_.push_back(spec.label.empty() ? spec.name : spec.label);
    names_.push_back(spec.name);
    weights_.push_back(spec.weight);
  }
}

RewardSet::~RewardSet() = default;

std::optional<size_t> RewardSet::find_role(RewardRole role) const {
  // Correctness rules: the task's verifier. Format: the think/answer template check.
  static const char* const kAccuracy[] = {"accuracy_math", "countdown", "exact_match", "choice"};
  for (size_t f = 0; f < names_.size(); ++f) {
    const bool is_accuracy = std::find(std::begin(kAccuracy), std::end(kAccuracy), names_[f]) != std::end(kAccuracy);
    if ((role == RewardRole::kAccuracy && is_accuracy) || (role == RewardRole::kFormat && names_[f] == "format"))
      return f;
  }
  return std::nullopt;
}

RewardBatch RewardSet::score(std::span<const RewardInput> inputs) const {
  const size_t F = rewards_.size(), N = inputs.size();
  RewardBatch b;
  b.total.assign(N, 0.0);
  b.scores.assign(F, std::vector<double>(N, 0.0));
  b.details.assign(F, std::vector<Json>(N));
  b.mean.assign(F, 0.0);
  b.errors.assign(F, 0);

  auto store = [&](size_t f, size_t n, RewardOutput&& out) {
    if (!std::isfinite(out.score))
      fail("reward '{}' returned a non-finite score ({}) for sample {}. HINT: fix the reward (a NaN would poison "
           "the advantages)", labels_[f], out.score, n);
    b.scores[f][n] = out.score;
    b.details[f][n] = std::move(out.details);
  };
  // Batch-capable functions (remote) take the whole batch in one call; the rest go per sample.
  std::vector<size_t> per_sample;
  for (size_t f = 0; f < F; ++f) {
    std::vector<RewardOutput> outs;
    if (!rewards_[f]->score_batch(inputs, outs)) {
      per_sample.push_back(f);
      continue;
    }
    if (outs.size() != N) fail("reward '{}' returned {} scores for {} samples (internal)", labels_[f], outs.size(), N);
    for (size_t n = 0; n < N; ++n) store(f, n, std::move(outs[n]));
  }
  parallel_for(N, threads_, [&](size_t n) {
    for (size_t f : per_sample) {
      RewardOutput out;
      try {
        out = rewards_[f]->score(inputs[n]);
      } catch (const Error& e) {
        fail("reward '{}' failed on sample {}: {}", labels_[f], n, e.what());
      } catch (const std::exception& e) {
        fail("reward '{}' threw on sample {}: {} (a bug in the reward)", labels_[f], n, e.what());
      }
      store(f, n, std::move(out));
    }
  });
  for (size_t f = 0; f < F; ++f) {
    for (size_t n = 0; n < N; ++n) {
      b.total[n] += weights_[f] * b.scores[f][n];
      b.mean[f] += b.scores[f][n];
      if (b.details[f][n].is_object() && b.details[f][n].contains("error")) ++b.errors[f];
    }
    if (N > 0) b.mean[f] /= static_cast<double>(N);
  }
  return b;
}

LoadedRewardsConfig load_rewards_config(const std::string& file, const std::vector<std::string>& overrides) {
  ConfigNode root = load_yaml_file(file);
  apply_overrides(root, overrides);
  // Construct, never assign: assigning a YAML::Node copies into the old node (and throws for an absent key).
  LoadedRewardsConfig out{RewardsConfig{}, root.child("rewards")};
  ConfigErrors errors;
  if (!out.node.node.IsDefined() || out.node.node.IsNull())
    errors.add(file, "rewards", "missing section. HINT: add `rewards: {functions: [{name: format}]}`");
  else
    read_config(out.config, out.node, errors);
  if (errors.empty()) validate_config(out.config, errors, "rewards");
  errors.throw_if_any(file);
  return out;
}

}  // namespace grpo
