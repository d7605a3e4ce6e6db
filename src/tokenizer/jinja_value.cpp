// Python's str/repr/json.dumps conventions for template values: transformers renders templates
// with Jinja2 on Python objects, so `{{ x }}` of True prints "True" and tojson uses ", "/": ".
#include "src/tokenizer/jinja_value.h"

#include <fmt/format.h>

#include <cmath>

namespace grpo::jinja {

Value Value::new_list(std::vector<Value> v) {
  Value x = with(Type::kList);
  x.list = std::make_shared<std::vector<Value>>(std::move(v));
  return x;
}

Value Value::new_dict() {
  Value x = with(Type::kDict);
  x.dict = std::make_shared<std::vector<std::pair<std::string, Value>>>();
  return x;
}

Value Value::function(Function f) {
  Value x = with(Type::kFunction);
  x.fn = std::make_shared<Function>(std::move(f));
  return x;
}

Value Value::from_json(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null:
      return none();
    case nlohmann::ordered_json::value_t::boolean:
      return boolean(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
    case nlohmann::ordered_json::value_t::number_unsigned:
      return integer(j.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_float:
      return number(j.get<double>());
    case nlohmann::ordered_json::value_t::string:
      return string(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      Value l = new_list();
      for (const auto& e : j) l.list->push_back(from_json(e));
      return l;
    }
    case nlohmann::ordered_json::value_t::object: {
      Value d = new_dict();
      for (const auto& [k, e] : j.items()) d.dict->emplace_back(k, from_json(e));
      return d;
    }
    default:
      return Value();
  }
}

bool Value::truthy() const {
  switch (type) {
    case Type::kUndefined:
    case Type::kNone:
      return false;
    case Type::kBool:
      return b;
    case Type::kInt:
      return i != 0;
    case Type::kFloat:
      return f != 0;
    case Type::kString:
      return !s.empty();
    case Type::kList:
      return !list->empty();
    case Type::kDict:
      return !dict->empty();
    case Type::kFunction:
      return true;
  }
  return false;
}

const Value* Value::find(const std::string& key) const {
  if (type != Type::kDict) return nullptr;
  for (const auto& [k, v] : *dict)
    if (k == key) return &v;
  return nullptr;
}

void Value::set(const std::string& key, Value v) {
  for (auto& [k, old] : *dict)
    if (k == key) {
      old = std::move(v);
      return;
    }
  dict->emplace_back(key, std::move(v));
}

std::string Value::type_name() const {
  static const char* names[] = {"undefined", "NoneType", "bool", "int", "float", "str", "list", "dict", "function"};
  return is_namespace ? "Namespace" : names[static_cast<int>(type)];
}

namespace {

std::string float_repr(double f) {  // Python repr: shortest round-trip, always with a '.' or 'e'
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  if (std::isnan(f)) return "nan";
  std::string s = fmt::format("{}", f);
  if (s.find_first_of(".einf") == std::string::npos) s += ".0";
  return s;
}

std::string quote_python(const std::string& s) {
  const char q = s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out + q;
}

}  // namespace

std::string to_str(const Value& v) {
  switch (v.type) {
    case Value::Type::kUndefined:
      return "";
    case Value::Type::kString:
      return v.s;
    default:
      return repr(v);
  }
}

std::string repr(const Value& v) {
  switch (v.type) {
    case Value::Type::kUndefined:
      return "";
    case Value::Type::kNone:
      return "None";
    case Value::Type::kBool:
      return v.b ? "True" : "False";
    case Value::Type::kInt:
      return std::to_string(v.i);
    case Value::Type::kFloat:
      return float_repr(v.f);
    case Value::Type::kString:
      return quote_python(v.s);
    case Value::Type::kList: {
      std::string out = "[";
      for (size_t k = 0; k < v.list->size(); ++k) out += (k ? ", " : "") + repr((*v.list)[k]);
      return out + "]";
    }
    case Value::Type::kDict: {
      std::string out = v.is_namespace ? "<Namespace {" : "{";
      for (size_t k = 0; k < v.dict->size(); ++k)
        out += (k ? ", " : "") + quote_python((*v.dict)[k].first) + ": " + repr((*v.dict)[k].second);
      return out + (v.is_namespace ? "}>" : "}");
    }
    case Value::Type::kFunction:
      return "<function>";
  }
  return "";
}

std::string to_json(const Value& v) {
  switch (v.type) {
    case Value::Type::kUndefined:
    case Value::Type::kNone:
      return "null";
    case Value::Type::kBool:
      return v.b ? "true" : "false";
    case Value::Type::kInt:
      return std::to_string(v.i);
    case Value::Type::kFloat:
      return float_repr(v.f);
    case Value::Type::kString: {
      std::string out = "\"";
      for (unsigned char c : v.s) {
        switch (c) {
          case '"':
            out += "\\\"";
            break;
          case '\\':
            out += "\\\\";
            break;
          case '\n':
            out += "\\n";
            break;
          case '\r':
            out += "\\r";
            break;
          case '\t':
            out += "\\t";
            break;
          case '\b':
            out += "\\b";
            break;
          case '\f':
            out += "\\f";
            break;
          default:
            out += c < 0x20 ? fmt::format("\\u{:04x}", c) : std::string(1, char(c));
        }
      }
      return out + "\"";
    }
    case Value::Type::kList: {
      std::string out = "[";
      for (size_t k = 0; k < v.list->size(); ++k) out += (k ? ", " : "") + to_json((*v.list)[k]);
      return out + "]";
    }
    case Value::Type::kDict: {
      std::string out = "{";
      for (size_t k = 0; k < v.dict->size(); ++k)
        out += (k ? ", " : "") + to_json(Value::string((*v.dict)[k].first)) + ": " + to_json((*v.dict)[k].second);
      return out + "}";
    }
    case Value::Type::kFunction:
      return "null";
  }
  return "null";
}

bool equals(const Value& a, const Value& b) {
  using T = Value::Type;
  const auto num = [](const Value& x) { return x.is(T::kInt) || x.is(T::kFloat) || x.is(T::kBool); };
  const auto as_double = [](const Value& x) {
    return x.is(T::kFloat) ? x.f : x.is(T::kInt) ? double(x.i) : double(x.b);
  };
  if (num(a) && num(b)) return as_double(a) == as_double(b);
  if (a.type != b.type) return false;
  switch (a.type) {
    case T::kUndefined:
    case T::kNone:
      return true;
    case T::kString:
      return a.s == b.s;
    case T::kList:
      if (a.list->size() != b.list->size()) return false;
      for (size_t k = 0; k < a.list->size(); ++k)
        if (!equals((*a.list)[k], (*b.list)[k])) return false;
      return true;
    case T::kDict:
      if (a.dict->size() != b.dict->size()) return false;
      for (const auto& [k, x] : *a.dict) {
        const Value* y = b.find(k);
        if (y == nullptr || !equals(x, *y)) return false;
      }
      return true;
    default:
      return a.fn == b.fn;
  }
}

}  // namespace grpo::jinja
