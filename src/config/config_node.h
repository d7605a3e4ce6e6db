// ConfigNode: a piece of a YAML config together with where it came from, so that every message
// about it can say "file:line: dotted.key: problem". ConfigErrors collects all such messages of
// one load so that a user sees every mistake at once, not one per run. Torch-free.
#pragma once
#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace grpo {

struct ConfigNode {
  YAML::Node node;
  std::string file;  // the YAML file, or "<command line>" for an override
  std::string path;  // dotted key from the root ("trainer.loss"); empty at the root
  // Dotted keys set by command-line overrides: their location is "<command line>".
  std::shared_ptr<std::set<std::string>> overridden;

  // "file:line" of this node (line 1-based), or just the file when the node has no mark.
  std::string location() const;
  ConfigNode child(const std::string& key) const;
  ConfigNode element(size_t index) const;
};

class ConfigErrors {
 public:
  void add(std::string_view where, std::string_view path, std::string_view problem);
  bool empty() const { return messages_.empty(); }
  const std::vector<std::string>& messages() const { return messages_; }
  // Throws grpo::Error with every message, one per line, when any was added.
  void throw_if_any(std::string_view what) const;

  // Where each dotted key was set (filled by the reader, used by validate()).
  std::map<std::string, std::string> locations;

 private:
  std::vector<std::string> messages_;
};

// Handed to a config struct's `void validate(ConfigCheck&) const`. `require(ok, "field", msg)`
// records "file:line: section.field: msg" when ok is false; a check over several fields names
// every key in its message.
class ConfigCheck {
 public:
  ConfigCheck(ConfigErrors& errors, std::string prefix) : errors_(errors), prefix_(std::move(prefix)) {}
  void require(bool ok, std::string_view field, std::string_view problem);
  std::string key(std::string_view field) const;

 private:
  ConfigErrors& errors_;
  std::string prefix_;
};

// Parses a YAML file; syntax errors become grpo::Error naming file and line.
ConfigNode load_yaml_file(const std::string& file);
ConfigNode parse_yaml_string(const std::string& text, const std::string& origin);

// Applies "a.b.c=value" overrides (value parsed as YAML) onto the tree, creating maps as needed.
void apply_overrides(ConfigNode& root, const std::vector<std::string>& overrides);

// Closest candidate by edit distance, for "did you mean" hints; empty when none is close.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace grpo
