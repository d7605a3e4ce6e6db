// Name checks and "did you mean" errors for the reward registry.
#include "rewards/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "src/util/error.h"

namespace grpo {

void RewardRegistry::add(const std::string& name, RewardFactory factory, std::string help) {
  const bool valid = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.-") == std::string::npos;
  if (!valid)
    fail("reward name '{}' is not valid. HINT: use lower-case letters, digits, '_', '.' and '-'", name);
  if (!factory) fail("reward '{}': empty factory (internal)", name);
  if (entries_.count(name) > 0)
    fail("reward '{}' is registered twice. HINT: a plug-in must not reuse a built-in or another plug-in's name; "
         "rename it (e.g. 'myplugin.{}')",
         name, name);
  entries_.emplace(name, Entry{std::move(factory), std::move(help)});
}

void RewardRegistry::require_known(const std::string& name, std::string_view where) const {
  if (entries_.count(name) > 0) return;
  const auto known = names();
  const std::string near = closest_name(name, known);
  fail("{}: unknown reward '{}'. Known rewards: {}. HINT: {}", where, name, fmt::join(known, ", "),
       near.empty() ? std::string("fix the name, or load the plug-in that defines it (rewards.plugins)")
                    : fmt::format("did you mean '{}'?", near));
}

std::unique_ptr<Reward> RewardRegistry::make(const std::string& name, const ConfigNode& params) const {
  require_known(name, params.location());
  auto reward = entries_.at(name).factory(params);
  if (!reward) fail("reward '{}': its factory returned nothing (internal or plug-in bug)", name);
  return reward;
}

std::vector<std::string> RewardRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : entries_) out.push_back(name);
  return out;
}

const std::string& RewardRegistry::help(const std::string& name) const {
  static const std::string none;
  auto it = entries_.find(name);
  return it == entries_.end() ? none : it->second.help;
}

}  // namespace grpo
