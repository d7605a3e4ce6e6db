// Typed configs from YAML. Each config section is a struct whose defaults are member initialisers
// and whose fields are listed once, in `template <class V> void visit(V& v)`, as
// `v(field, "name", "help")`. That one list drives reading (with unknown-key and wrong-type errors
// that name file:line and the dotted key), command-line overrides (`a.b=value`), printing the
// resolved config, and the generated config reference. A struct may also define
// `void validate(ConfigCheck&) const` for value checks. Torch-free.
#pragma once
#include <fmt/format.h>

#include <concepts>
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "src/config/config_node.h"

namespace grpo {

namespace config_detail {
struct ProbeVisitor {
  template <class F>
  void operator()(F&, const char*, const char*) {}
};
}  // namespace config_detail

template <class T>
concept ConfigStruct = requires(T& t, config_detail::ProbeVisitor& v) { t.visit(v); };

template <class T>
concept ConfigValidated = requires(const T& t, ConfigCheck& c) { t.validate(c); };

template <class T> struct IsVector : std::false_type { using element = void; };
template <class T> struct IsVector<std::vector<T>> : std::true_type { using element = T; };
template <class T> struct IsStringMap : std::false_type {};
template <class T> struct IsStringMap<std::map<std::string, T>> : std::true_type { using element = T; };

// Human name of a field type, for messages and the config reference.
template <class T>
std::string config_type_name() {
  if constexpr (std::is_same_v<T, bool>) return "bool";
  else if constexpr (std::is_integral_v<T>) return "int";
  else if constexpr (std::is_floating_point_v<T>) return "float";
  else if constexpr (std::is_same_v<T, std::string>) return "string";
  else if constexpr (std::is_same_v<T, ConfigNode>) return "map";
  else if constexpr (IsVector<T>::value) return "list of " + config_type_name<typename IsVector<T>::element>();
  else if constexpr (IsStringMap<T>::value) return "map of " + config_type_name<typename IsStringMap<T>::element>();
  else return "section";
}

template <class T> void read_config(T& out, const ConfigNode& node, ConfigErrors& errors);

namespace config_detail {

template <class T>
void read_value(T& out, const ConfigNode& n, ConfigErrors& errors) {
  errors.locations[n.path] = n.location();
  if constexpr (std::is_same_v<T, ConfigNode>) {
    out = n;
  } else if constexpr (ConfigStruct<T>) {
    read_config(out, n, errors);
  } else if constexpr (IsVector<T>::value) {
    if (!n.node.IsSequence()) {
      errors.add(n.location(), n.path, "expected a " + config_type_name<T>());
      return;
    }
    out.clear();
    out.resize(n.node.size());
    for (size_t i = 0; i < n.node.size(); ++i) read_value(out[i], n.element(i), errors);
  } else if constexpr (IsStringMap<T>::value) {
    if (!n.node.IsMap()) {
      errors.add(n.location(), n.path, "expected a " + config_type_name<T>());
      return;
    }
    out.clear();
    for (const auto& kv : n.node) {
      const auto key = kv.first.as<std::string>();
      read_value(out[key], n.child(key), errors);
    }
  } else {
    // Scalars: yaml-cpp's conversion rejects "1.5" for an int and "abc" for a float.
    T value{};
    if (!n.node.IsScalar() || !YAML::convert<T>::decode(n.node, value)) {
      const std::string got = n.node.IsScalar() ? "'" + n.node.Scalar() + "'" : "a list or map";
      errors.add(n.location(), n.path, "expected " + config_type_name<T>() + ", got " + got);
      return;
    }
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      // yaml-cpp accepts "1e3" for ints via stream parsing quirks on some versions: be strict.
      if (n.node.Scalar().find_first_of(".eE") != std::string::npos && n.node.Scalar().rfind("0x", 0) != 0) {
        errors.add(n.location(), n.path, "expected int, got '" + n.node.Scalar() + "'");
        return;
      }
    }
    out = value;
  }
}

class Reader {
 public:
  Reader(const ConfigNode& node, ConfigErrors& errors) : node_(node), errors_(errors) {}
  template <class F>
  void operator()(F& field, const char* name, const char*) {
    known_.emplace_back(name);
    ConfigNode child = node_.child(name);
    if (child.node.IsDefined()) read_value(field, child, errors_);
  }
  void report_unknown_keys() const;

 private:
  const ConfigNode& node_;
  ConfigErrors& errors_;
  std::vector<std::string> known_;
};

template <class T>
YAML::Node to_yaml(const T& value);

class Writer {
 public:
  template <class F>
  void operator()(F& field, const char* name, const char*) {
    node[name] = to_yaml(field);
  }
  YAML::Node node{YAML::NodeType::Map};
};

template <class T>
YAML::Node to_yaml(const T& value) {
  if constexpr (std::is_same_v<T, ConfigNode>) {
    return value.node ? YAML::Clone(value.node) : YAML::Node(YAML::NodeType::Map);
  } else if constexpr (ConfigStruct<T>) {
    Writer w;
    const_cast<T&>(value).visit(w);
    return w.node;
  } else if constexpr (IsVector<T>::value) {
    YAML::Node seq(YAML::NodeType::Sequence);
    for (const auto& e : value) seq.push_back(to_yaml(e));
    return seq;
  } else if constexpr (IsStringMap<T>::value) {
    YAML::Node map(YAML::NodeType::Map);
    for (const auto& [k, v] : value) map[k] = to_yaml(v);
    return map;
  } else if constexpr (std::is_floating_point_v<T>) {
    return YAML::Node(fmt::format("{}", value));  // shortest form that reads back exactly: 0.2, not 0.200000003
  } else {
    return YAML::Node(value);
  }
}

template <class T>
void validate_tree(const T& value, ConfigErrors& errors, const std::string& prefix);

class Validator {
 public:
  Validator(ConfigErrors& errors, std::string prefix) : errors_(errors), prefix_(std::move(prefix)) {}
  template <class F>
  void operator()(F& field, const char* name, const char*) {
    validate_tree(field, errors_, prefix_.empty() ? std::string(name) : prefix_ + "." + name);
  }

 private:
  ConfigErrors& errors_;
  std::string prefix_;
};

template <class T>
void validate_tree(const T& value, ConfigErrors& errors, const std::string& prefix) {
  if constexpr (ConfigStruct<T>) {
    if constexpr (ConfigValidated<T>) {
      ConfigCheck check(errors, prefix);
      value.validate(check);
    }
    Validator v(errors, prefix);
    const_cast<T&>(value).visit(v);
  } else if constexpr (IsVector<T>::value) {
    for (size_t i = 0; i < value.size(); ++i) validate_tree(value[i], errors, prefix + "[" + std::to_string(i) + "]");
  }
}

}  // namespace config_detail

// Reads `node` into `out` (fields absent from the YAML keep their defaults). Unknown keys and
// wrong types are added to `errors`; validate() is not run here (see validate_config).
template <class T>
void read_config(T& out, const ConfigNode& node, ConfigErrors& errors) {
  if (!node.node.IsDefined() || node.node.IsNull()) return;
  if (!node.node.IsMap()) {
    errors.add(node.location(), node.path, "expected a section (key: value map)");
    return;
  }
  config_detail::Reader reader(node, errors);
  out.visit(reader);
  reader.report_unknown_keys();
}

// Runs every validate() in the tree, with messages located through errors.locations.
template <class T>
void validate_config(const T& value, ConfigErrors& errors, const std::string& prefix = "") {
  config_detail::validate_tree(value, errors, prefix);
}

// Loads a YAML file (may be empty for "defaults only"), applies overrides, reads and validates.
// Throws grpo::Error listing every problem.
template <ConfigStruct T>
T load_config(const std::string& file, const std::vector<std::string>& overrides = {}) {
  ConfigNode root = file.empty() ? ConfigNode{YAML::Node(YAML::NodeType::Map), "<defaults>", "", nullptr}
                                : load_yaml_file(file);
  apply_overrides(root, overrides);
  T value{};
  ConfigErrors errors;
  read_config(value, root, errors);
  if (errors.empty()) validate_config(value, errors);
  errors.throw_if_any(file.empty() ? std::string("config") : file);
  return value;
}

// The resolved config as YAML text (printed at start-up, saved beside checkpoints).
template <class T>
std::string dump_config(const T& value) {
  YAML::Emitter out;
  out << config_detail::to_yaml(value);
  return std::string(out.c_str()) + "\n";
}

// One row per leaf key, for --help and docs/config.md.
struct ConfigFieldDoc {
  std::string key, type, default_value, help;
};

namespace config_detail {
class Describer {
 public:
  Describer(std::vector<ConfigFieldDoc>& rows, std::string prefix) : rows_(rows), prefix_(std::move(prefix)) {}
  template <class F>
  void operator()(F& field, const char* name, const char* help) {
    const std::string key = prefix_.empty() ? std::string(name) : prefix_ + "." + name;
    using Element = typename IsVector<F>::element;
    if constexpr (ConfigStruct<F>) {
      Describer inner(rows_, key);
      field.visit(inner);
    } else if constexpr (IsVector<F>::value && ConfigStruct<Element>) {
      rows_.push_back({key, "list", "[]", help});
      Element element{};
      Describer inner(rows_, key + "[]");
      element.visit(inner);
    } else {
      YAML::Emitter e;
      e << YAML::Flow << to_yaml(field);
      rows_.push_back({key, config_type_name<F>(), e.c_str(), help});
    }
  }

 private:
  std::vector<ConfigFieldDoc>& rows_;
  std::string prefix_;
};
}  // namespace config_detail

template <class T>
std::vector<ConfigFieldDoc> describe_config(const std::string& prefix = "") {
  std::vector<ConfigFieldDoc> rows;
  T value{};
  config_detail::Describer d(rows, prefix);
  value.visit(d);
  return rows;
}

// A Markdown table of describe_config rows (docs/config.md and `grpo config --reference`).
std::string config_reference_markdown(const std::vector<ConfigFieldDoc>& rows);

}  // namespace grpo
