// Non-template half of the config system: YAML loading, overrides, error collection.
#include "src/config/config_node.h"

#include <fmt/format.h>

#include <algorithm>

#include "src/util/error.h"

namespace grpo {

std::string ConfigNode::location() const {
  if (overridden) {
    for (const auto& key : *overridden)
      if (path == key || path.rfind(key + ".", 0) == 0 || path.rfind(key + "[", 0) == 0) return "<command line>";
  }
  if (node && node.Mark().line >= 0) return grpo::location(file, node.Mark().line + 1);
  return file;
}

ConfigNode ConfigNode::child(const std::string& key) const {
  YAML::Node n = node.IsMap() ? node[key] : YAML::Node();
  return ConfigNode{n, file, path.empty() ? key : path + "." + key, overridden};
}

ConfigNode ConfigNode::element(size_t index) const {
  return ConfigNode{node[index], file, fmt::format("{}[{}]", path, index), overridden};
}

void ConfigErrors::add(std::string_view where, std::string_view path, std::string_view problem) {
  messages_.push_back(path.empty() ? fmt::format("{}: {}", where, problem)
                                   : fmt::format("{}: {}: {}", where, path, problem));
}

void ConfigErrors::throw_if_any(std::string_view what) const {
  if (messages_.empty()) return;
  std::string text = fmt::format("{} has {} error{}:", what, messages_.size(), messages_.size() == 1 ? "" : "s");
  for (const auto& m : messages_) text += "\n  " + m;
  throw Error(text);
}

std::string ConfigCheck::key(std::string_view field) const {
  return prefix_.empty() ? std::string(field) : prefix_ + "." + std::string(field);
}

void ConfigCheck::require(bool ok, std::string_view field, std::string_view problem) {
  if (ok) return;
  const std::string k = key(field);
  auto it = errors_.locations.find(k);
  errors_.add(it != errors_.locations.end() ? it->second : std::string("<default>"), k, problem);
}

ConfigNode load_yaml_file(const std::string& file) {
  try {
    return ConfigNode{YAML::LoadFile(file), file, "", nullptr};
  } catch (const YAML::BadFile&) {
    fail("{}: cannot open config file. HINT: check the path", file);
  } catch (const YAML::ParserException& e) {
    fail("{}: YAML syntax error: {}", location(file, e.mark.line + 1), e.msg);
  }
}

ConfigNode parse_yaml_string(const std::string& text, const std::string& origin) {
  try {
    return ConfigNode{YAML::Load(text), origin, "", nullptr};
  } catch (const YAML::ParserException& e) {
    fail("{}: YAML syntax error: {}", location(origin, e.mark.line + 1), e.msg);
  }
}

void apply_overrides(ConfigNode& root, const std::vector<std::string>& overrides) {
  for (const auto& item : overrides) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      fail("<command line>: override '{}' is not key=value. HINT: write e.g. trainer.lr=1e-6", item);
    const std::string key = item.substr(0, eq);
    if (!root.overridden) root.overridden = std::make_shared<std::set<std::string>>();
    root.overridden->insert(key);
    YAML::Node value;
    try {
      value = YAML::Load(item.substr(eq + 1));
    } catch (const YAML::ParserException& e) {
      fail("<command line>: override '{}': value is not valid YAML: {}", item, e.msg);
    }
    if (!root.node || !root.node.IsMap()) root.node = YAML::Node(YAML::NodeType::Map);
    // Walk with explicit node copies: yaml-cpp's operator[] on a temporary would not create keys.
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
      const size_t dot = key.find('.', start);
      parts.push_back(key.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    YAML::Node cur = root.node;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node next = cur[parts[i]];
      if (!next.IsDefined() || next.IsNull()) {
        next = YAML::Node(YAML::NodeType::Map);
        cur[parts[i]] = next;
      } else if (!next.IsMap()) {
        fail("<command line>: override '{}': '{}' is not a section", item, parts[i]);
      }
      cur.reset(next);
    }
    cur[parts.back()] = value;
  }
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::vector<size_t> row(c.size() + 1);
    for (size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= name.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= c.size(); ++j) {
        const size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (name[i - 1] == c[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    if (row[c.size()] < best_distance) {
      best_distance = row[c.size()];
      best = c;
    }
  }
  return best;
}

}  // namespace grpo
