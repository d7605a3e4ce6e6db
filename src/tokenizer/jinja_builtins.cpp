// Filters, tests, str/dict methods and globals of the chat-template interpreter: the ones HF chat
// templates (Qwen2.5/Qwen3, DeepSeek-V3/R1, Llama 3) use. Anything else is an error naming it.
#include <algorithm>
#include <stdexcept>

#include "src/tokenizer/jinja_eval.h"
#include "src/util/error.h"

namespace grpo::jinja {
namespace {

using T = Value::Type;

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

const std::string& str_arg(const Args& a, size_t k, const char* fn) {
  if (a.size() <= k || !a[k].is(T::kString)) bad(std::string(fn) + "() needs a string argument");
  return a[k].s;
}

std::string strip(const std::string& s, const Args& a, bool left, bool right) {
  const std::string chars = a.empty() || a[0].is(T::kNone) ? std::string(" \t\n\r\f\v") : str_arg(a, 0, "strip");
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && chars.find(s[b]) != std::string::npos) ++b;
  if (right)
    while (e > b && chars.find(s[e - 1]) != std::string::npos) --e;
  return s.substr(b, e - b);
}

Value split(const std::string& s, const Args& a) {
  Value out = Value::new_list();
  if (a.empty() || a[0].is(T::kNone)) {  // whitespace split, empty parts dropped
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      size_t j = i;
      while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j > i) out.list->push_back(Value::string(s.substr(i, j - i)));
      i = j;
    }
    return out;
  }
  const std::string& sep = str_arg(a, 0, "split");
  if (sep.empty()) bad("split(): empty separator");
  int64_t max = a.size() > 1 && a[1].is(T::kInt) ? a[1].i : -1;
  size_t pos = 0;
  for (size_t hit; max != 0 && (hit = s.find(sep, pos)) != std::string::npos; pos = hit + sep.size(), --max)
    out.list->push_back(Value::string(s.substr(pos, hit - pos)));
  out.list->push_back(Value::string(s.substr(pos)));
  return out;
}

Value string_method(const std::string& s, const std::string& name) {
  const auto m = [&](auto f) { return Value::function([s, f](Args& a, Kwargs&) { return f(s, a); }); };
  if (name == "startswith")
    return m(
        [](const std::string& x, Args& a) { return Value::boolean(x.rfind(str_arg(a, 0, "startswith"), 0) == 0); });
  if (name == "endswith")
    return m([](const std::string& x, Args& a) {
      const std::string& suf = str_arg(a, 0, "endswith");
      return Value::boolean(x.size() >= suf.size() && x.compare(x.size() - suf.size(), suf.size(), suf) == 0);
    });
  if (name == "strip") return m([](const std::string& x, Args& a) { return Value::string(strip(x, a, true, true)); });
  if (name == "lstrip") return m([](const std::string& x, Args& a) { return Value::string(strip(x, a, true, false)); });
  if (name == "rstrip") return m([](const std::string& x, Args& a) { return Value::string(strip(x, a, false, true)); });
  if (name == "split") return m([](const std::string& x, Args& a) { return split(x, a); });
  if (name == "lower" || name == "upper")
    return m([up = name == "upper"](const std::string& x, Args&) {
      std::string r = x;
      for (char& c : r)
        c = up ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c));
      return Value::string(r);
    });
  if (name == "replace")
    return m([](const std::string& x, Args& a) {
      const std::string& from = str_arg(a, 0, "replace");
      const std::string& to = str_arg(a, 1, "replace");
      if (from.empty()) bad("replace(): empty pattern");
      std::string r;
      size_t pos = 0;
      for (size_t hit; (hit = x.find(from, pos)) != std::string::npos; pos = hit + from.size())
        r += x.substr(pos, hit - pos) + to;
      return Value::string(r + x.substr(pos));
    });
  if (name == "find")
    return m([](const std::string& x, Args& a) {
      const size_t p = x.find(str_arg(a, 0, "find"));
      return Value::integer(p == std::string::npos ? -1 : int64_t(p));
    });
  bad("unsupported str method '" + name + "'");
}

Value dict_method(const Value& d, const std::string& name) {
  if (name == "items")
    return Value::function([d](Args&, Kwargs&) {
      Value out = Value::new_list();
      for (const auto& [k, v] : *d.dict) out.list->push_back(Value::new_list({Value::string(k), v}));
      return out;
    });
  if (name == "keys" || name == "values")
    return Value::function([d, keys = name == "keys"](Args&, Kwargs&) {
      Value out = Value::new_list();
      for (const auto& [k, v] : *d.dict) out.list->push_back(keys ? Value::string(k) : v);
      return out;
    });
  if (name == "get")
    return Value::function([d](Args& a, Kwargs&) {
      const Value* v = d.find(str_arg(a, 0, "get"));
      return v ? *v : a.size() > 1 ? a[1] : Value::none();
    });
  return Value();  // a missing key is undefined, as in Jinja2
}

}  // namespace

Value get_attribute(const Value& obj, const std::string& name) {
  if (obj.is(T::kDict)) {
    if (const Value* v = obj.find(name)) return *v;
    return obj.is_namespace ? Value() : dict_method(obj, name);
  }
  if (obj.is(T::kString)) return string_method(obj.s, name);
  if (obj.is(T::kNone)) bad("'None' has no attribute '" + name + "'");
  return Value();
}

bool apply_test(const std::string& name, const Value& x, const Args& args) {
  if (name == "defined") return !x.undefined();
  if (name == "undefined") return x.undefined();
  if (name == "none") return x.is(T::kNone);
  if (name == "string") return x.is(T::kString);
  if (name == "number") return x.is(T::kInt) || x.is(T::kFloat);
  if (name == "integer") return x.is(T::kInt);
  if (name == "float") return x.is(T::kFloat);
  if (name == "boolean") return x.is(T::kBool);
  if (name == "true") return x.is(T::kBool) && x.b;
  if (name == "false") return x.is(T::kBool) && !x.b;
  if (name == "mapping") return x.is(T::kDict);
  if (name == "sequence" || name == "iterable") return x.is(T::kList) || x.is(T::kString) || x.is(T::kDict);
  if (name == "callable") return x.is(T::kFunction);
  if (name == "even" || name == "odd") return x.is(T::kInt) && (x.i % 2 == 0) == (name == "even");
  if (name == "eq" || name == "equalto" || name == "ne") {
    if (args.empty()) bad("test '" + name + "' needs an argument");
    return equals(x, args[0]) == (name != "ne");
  }
  bad("unsupported test '" + name + "'");
}

Value apply_filter(const std::string& name, const Value& x, Args& args, Kwargs& kwargs) {
  if (name == "length" || name == "count") {
    if (x.is(T::kList)) return Value::integer(int64_t(x.list->size()));
    if (x.is(T::kDict)) return Value::integer(int64_t(x.dict->size()));
    if (x.is(T::kString)) {
      int64_t n = 0;  // characters, not bytes
      for (unsigned char c : x.s) n += (c & 0xC0) != 0x80;
      return Value::integer(n);
    }
    bad("object of type " + x.type_name() + " has no length");
  }
  if (name == "tojson") {
    for (const auto& [k, v] : kwargs)
      if (k == "indent" && !v.is(T::kNone)) bad("tojson(indent=...) is not supported");
    return Value::string(to_json(x));
  }
  if (name == "string") return Value::string(to_str(x));
  if (name == "trim") return Value::string(strip(to_str(x), {}, true, true));
  if (name == "upper" || name == "lower") return (*string_method(to_str(x), name).fn)(args, kwargs);
  if (name == "safe") return x;
  if (name == "default" || name == "d") {
    const bool boolean = (args.size() > 1 && args[1].truthy());
    const bool use_default = x.undefined() || (boolean && !x.truthy());
    return use_default ? (args.empty() ? Value::string("") : args[0]) : x;
  }
  if (name == "join") {
    if (!x.is(T::kList)) bad("join needs a list");
    const std::string sep = args.empty() ? "" : to_str(args[0]);
    std::string out;
    for (size_t k = 0; k < x.list->size(); ++k) out += (k ? sep : "") + to_str((*x.list)[k]);
    return Value::string(out);
  }
  if (name == "first" || name == "last") {
    if (!x.is(T::kList)) bad(name + " needs a list");
    if (x.list->empty()) return Value();
    return name == "first" ? x.list->front() : x.list->back();
  }
  if (name == "reverse") {
    if (x.is(T::kString)) return Value::string(std::string(x.s.rbegin(), x.s.rend()));
    if (!x.is(T::kList)) bad("reverse needs a list or str");
    return Value::new_list(std::vector<Value>(x.list->rbegin(), x.list->rend()));
  }
  if (name == "list") {
    if (x.is(T::kList)) return x;
    Value out = Value::new_list();
    if (x.is(T::kString))
      for (char c : x.s) out.list->push_back(Value::string(std::string(1, c)));
    else if (x.is(T::kDict))
      for (const auto& [k, v] : *x.dict) out.list->push_back(Value::string(k));
    else
      bad("list needs a list, str or dict");
    return out;
  }
  if (name == "items") return (*dict_method(x.is(T::kDict) ? x : Value::new_dict(), "items").fn)(args, kwargs);
  if (name == "int")
    return Value::integer(x.is(T::kInt)      ? x.i
                          : x.is(T::kFloat)  ? int64_t(x.f)
                          : x.is(T::kString) ? std::atoll(x.s.c_str())
                                             : 0);
  if (name == "replace") return (*string_method(to_str(x), "replace").fn)(args, kwargs);
  bad("unsupported filter '" + name + "'");
}

Value global_function(const std::string& name) {
  if (name == "namespace")
    return Value::function([](Args& a, Kwargs& kw) {
      Value ns = Value::new_dict();
      ns.is_namespace = true;
      if (!a.empty() && a[0].is(T::kDict))
        for (const auto& [k, v] : *a[0].dict) ns.set(k, v);
      for (auto& [k, v] : kw) ns.set(k, v);
      return ns;
    });
  if (name == "raise_exception")
    return Value::function([](Args& a, Kwargs&) -> Value {
      fail("chat template raised an exception: {}. HINT: the messages do not fit this template's rules",
           a.empty() ? "" : to_str(a[0]));
    });
  if (name == "range")
    return Value::function([](Args& a, Kwargs&) {
      int64_t lo = 0, hi = 0, step = 1;
      if (a.size() == 1)
        hi = a[0].i;
      else if (a.size() >= 2)
        lo = a[0].i, hi = a[1].i, step = a.size() > 2 ? a[2].i : 1;
      if (step == 0) bad("range() step must not be zero");
      Value out = Value::new_list();
      for (int64_t k = lo; step > 0 ? k < hi : k > hi; k += step) out.list->push_back(Value::integer(k));
      return out;
    });
  if (name == "dict")
    return Value::function([](Args&, Kwargs& kw) {
      Value d = Value::new_dict();
      for (auto& [k, v] : kw) d.set(k, v);
      return d;
    });
  return Value();
}

}  // namespace grpo::jinja
