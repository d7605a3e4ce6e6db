// Loading C++ (or C) reward plug-ins: dlopen a shared library, call its one entry point
// (rewards/plugin_abi.h) and register the rewards it declares into a RewardRegistry. The library
// stays loaded while the registry or any reward built from it lives. Called by RewardSet.
#pragma once
#include <string>
#include <string_view>

#include "rewards/registry.h"

namespace grpo {

// Throws grpo::Error, located at `where` (the config line), for a library that cannot be loaded,
// a missing entry point, an ABI version mismatch, an invalid or duplicate reward name.
void load_reward_plugin(const std::string& path, RewardRegistry& registry, std::string_view where);

}  // namespace grpo
