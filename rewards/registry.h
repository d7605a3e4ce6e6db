// RewardRegistry: reward factories by name. The built-ins enter through add_builtin_rewards
// (rewards/builtin.cpp, the one list), plug-ins through rewards/plugin.h; a RewardSet builds its
// functions from here. No static self-registration, no global instance.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rewards/reward.h"
#include "src/config/config_node.h"

namespace grpo {

// Builds a reward from its `params:` section (which may be undefined: all defaults). Throws
// grpo::Error naming file:line for a bad parameter.
using RewardFactory = std::function<std::unique_ptr<Reward>(const ConfigNode& params)>;

class RewardRegistry {
 public:
  RewardRegistry() = default;
  // Factories may capture the registry (a wrapping reward builds its inner one): no copies, no moves.
  RewardRegistry(const RewardRegistry&) = delete;
  RewardRegistry& operator=(const RewardRegistry&) = delete;

  // Throws grpo::Error when `name` is empty, not [a-z0-9_.-]+ or already registered.
  void add(const std::string& name, RewardFactory factory, std::string help = "");
  // Throws grpo::Error for an unknown name, listing the known ones and the closest.
  std::unique_ptr<Reward> make(const std::string& name, const ConfigNode& params) const;

  // Throws the unknown-name error of make(), located at `where` (file:line of the `name:` key).
  void require_known(const std::string& name, std::string_view where) const;
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  std::vector<std::string> names() const;              // sorted
  const std::string& help(const std::string& name) const;  // one line, for `grpo reward --list`

 private:
  struct Entry {
    RewardFactory factory;
    std::string help;
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace grpo
