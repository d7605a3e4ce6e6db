// Values of the chat-template interpreter (a Jinja subset): Python-like None/bool/int/float/str/
// list/dict plus Jinja's Undefined, namespace objects and callables. Copies share list/dict
// storage, as Python references do. Used only by jinja_*.cpp and chat_template.cpp.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace grpo::jinja {

struct Value;
using Args = std::vector<Value>;
using Kwargs = std::vector<std::pair<std::string, Value>>;
using Function = std::function<Value(Args&, Kwargs&)>;

struct Value {
  enum class Type { kUndefined, kNone, kBool, kInt, kFloat, kString, kList, kDict, kFunction };
  Type type = Type::kUndefined;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::shared_ptr<std::vector<Value>> list;
  std::shared_ptr<std::vector<std::pair<std::string, Value>>> dict;  // insertion-ordered
  bool is_namespace = false;  // a dict whose attributes `set ns.x = ...` may assign
  std::shared_ptr<Function> fn;

  static Value none() { return with(Type::kNone); }
  static Value boolean(bool v) {
    auto x = with(Type::kBool);
    x.b = v;
    return x;
  }
  static Value integer(int64_t v) {
    auto x = with(Type::kInt);
    x.i = v;
    return x;
  }
  static Value number(double v) {
    auto x = with(Type::kFloat);
    x.f = v;
    return x;
  }
  static Value string(std::string v) {
    auto x = with(Type::kString);
    x.s = std::move(v);
    return x;
  }
  static Value new_list(std::vector<Value> v = {});
  static Value new_dict();
  static Value function(Function f);
  static Value from_json(const nlohmann::ordered_json& j);

  bool is(Type t) const { return type == t; }
  bool undefined() const { return type == Type::kUndefined; }
  bool truthy() const;
  const Value* find(const std::string& key) const;  // dict lookup; nullptr when absent
  void set(const std::string& key, Value v);        // dict insert or overwrite
  std::string type_name() const;

 private:
  static Value with(Type t) {
    Value v;
    v.type = t;
    return v;
  }
};

std::string to_str(const Value& v);   // Python str(); Undefined renders as ""
std::string repr(const Value& v);     // Python repr()
std::string to_json(const Value& v);  // json.dumps(v, ensure_ascii=False)
bool equals(const Value& a, const Value& b);

}  // namespace grpo::jinja
