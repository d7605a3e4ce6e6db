// The built-in reward factories and the function that registers them (rewards/builtin.cpp holds
// the one list). Each factory reads its own options struct from `params` (rewards/reward_options.h).
#pragma once
#include <memory>

#include "rewards/registry.h"

namespace grpo {

// Registers every built-in under its config name. Call once per registry, before plug-ins.
void add_builtin_rewards(RewardRegistry& registry);

std::unique_ptr<Reward> make_format_think_answer(const ConfigNode& params);   // format
std::unique_ptr<Reward> make_countdown(const ConfigNode& params);             // countdown
std::unique_ptr<Reward> make_exact_match(const ConfigNode& params);           // exact_match
std::unique_ptr<Reward> make_choice(const ConfigNode& params);                // choice
std::unique_ptr<Reward> make_language_consistency(const ConfigNode& params);  // language_consistency
std::unique_ptr<Reward> make_overlong(const ConfigNode& params);              // overlong
std::unique_ptr<Reward> make_repetition(const ConfigNode& params);            // repetition
std::unique_ptr<Reward> make_tag_count(const ConfigNode& params);             // tag_count
std::unique_ptr<Reward> make_regex_rules(const ConfigNode& params);           // regex
std::unique_ptr<Reward> make_remote(const ConfigNode& params);                // remote
// cosine wraps another reward for its correctness signal, so it builds that one from `registry`.
std::unique_ptr<Reward> make_cosine(const ConfigNode& params, const RewardRegistry& registry);

}  // namespace grpo
