// Helpers for the reward tests: build a registered reward from inline YAML params, and score one
// hand-written sample.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "rewards/builtin.h"
#include "rewards/registry.h"
#include "src/config/config_node.h"
#include "test_util.h"

namespace grpo::test {

inline RewardRegistry& builtin_registry() {
  static RewardRegistry* registry = [] {
    auto* r = new RewardRegistry;
    add_builtin_rewards(*r);
    return r;
  }();
  return *registry;
}

// params_yaml is the body of `params:` ("" = defaults), read as file "params.yaml".
inline std::unique_ptr<Reward> make_reward(const std::string& name, const std::string& params_yaml = "") {
  const ConfigNode params = params_yaml.empty() ? ConfigNode{YAML::Node(), "params.yaml", "", nullptr}
                                                 : parse_yaml_string(params_yaml, "params.yaml");
  return builtin_registry().make(name, params);
}

struct Sample {
  std::string completion{};
  Json row = nullptr;
  int64_t tokens = -1;
  std::string prompt{};
  std::string finish_reason = "stop";
};

inline RewardOutput score(const Reward& reward, const Sample& s) {
  RewardInput in;
  in.prompt = s.prompt;
  in.completion = s.completion;
  in.completion_tokens = s.tokens;
  in.finish_reason = s.finish_reason;
  in.row = s.row.is_null() ? nullptr : &s.row;
  return reward.score(in);
}


}  // namespace grpo::test
