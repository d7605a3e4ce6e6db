// Reads a reward's `params:` section into its options struct (one struct per reward, fields listed
// once in visit()), so that an unknown key, a wrong type or a failed validate() becomes one
// grpo::Error naming file:line and the dotted key. Called by every reward factory.
#pragma once
#include <string_view>

#include "src/config/config.h"

namespace grpo {

template <class T>
T read_reward_options(const ConfigNode& params, std::string_view reward_name) {
  T options{};
  ConfigErrors errors;
  read_config(options, params, errors);
  if (errors.empty()) validate_config(options, errors, params.path);
  errors.throw_if_any(fmt::format("reward '{}' params", reward_name));
  return options;
}

}  // namespace grpo
