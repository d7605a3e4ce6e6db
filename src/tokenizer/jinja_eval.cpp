// Tree-walking renderer. Scoping follows Jinja2: a for-loop body gets a fresh scope each iteration
// (so `set` inside a loop does not leak; templates use namespace() for that), `if` does not scope.
#include "src/tokenizer/jinja_eval.h"

#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "src/tokenizer/jinja_lexer.h"
#include "src/util/error.h"

namespace grpo::jinja {
namespace {

using T = Value::Type;

struct LoopSignal {
  bool is_break;
};

class Renderer {
 public:
  Renderer(const std::string& tmpl) : tmpl_(tmpl) {}
  std::vector<std::unordered_map<std::string, Value>> scopes{1};
  std::string out;

  void run(const Body& body) {
    for (const auto& n : body) exec(*n);
  }

 private:
  [[noreturn]] void error(size_t pos, const std::string& what) const {
    fail("chat template {}: {}. HINT: check the template and the messages passed to it", where(tmpl_, pos), what);
  }

  Value lookup(const std::string& name) const {
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
      auto f = it->find(name);
      if (f != it->end()) return f->second;
    }
    return global_function(name);
  }

  void exec(const Node& n) {
    switch (n.kind) {
      case Node::Kind::kText:
        out += n.text;
        break;
      case Node::Kind::kOutput:
        out += to_str(eval(*n.expr));
        break;
      case Node::Kind::kIf:
        for (const auto& [cond, body] : n.branches)
          if (!cond || eval(*cond).truthy()) {
            run(body);
            break;
          }
        break;
      case Node::Kind::kSet: {
        Value v = eval(*n.expr);
        if (n.targets.size() == 1) {
          scopes.back()[n.targets[0]] = std::move(v);
        } else {
          Value ns = lookup(n.targets[0]);
          if (!ns.is_namespace)
            error(n.pos, "cannot set attribute '" + n.targets[1] + "' of " + ns.type_name() + " '" + n.targets[0] +
                             "' (only a namespace() can be assigned)");
          ns.set(n.targets[1], std::move(v));
        }
        break;
      }
      case Node::Kind::kFor:
        exec_for(n);
        break;
      case Node::Kind::kBreak:
        throw LoopSignal{true};
      case Node::Kind::kContinue:
        throw LoopSignal{false};
      case Node::Kind::kGeneration:
        run(n.body);
        break;
    }
  }

  void exec_for(const Node& n) {
    Value seq = eval(*n.expr);
    std::vector<Value> items;
    if (seq.is(T::kList))
      items = *seq.list;
    else if (seq.is(T::kDict))
      for (const auto& [k, v] : *seq.dict) items.push_back(Value::string(k));
    else if (seq.is(T::kString))
      for (char c : seq.s) items.push_back(Value::string(std::string(1, c)));
    else if (!seq.undefined() && !seq.is(T::kNone))
      error(n.pos, "cannot loop over a " + seq.type_name());
    else if (seq.is(T::kNone))
      error(n.pos, "cannot loop over None");
    if (n.filter) {
      std::vector<Value> kept;
      for (const Value& it : items) {
        scopes.emplace_back();
        bind(n, it);
        if (eval(*n.filter).truthy()) kept.push_back(it);
        scopes.pop_back();
      }
      items.swap(kept);
    }
    if (items.empty()) return run(n.else_body);
    for (size_t k = 0; k < items.size(); ++k) {
      scopes.emplace_back();
      bind(n, items[k]);
      Value loop = Value::new_dict();
      const int64_t len = int64_t(items.size()), i = int64_t(k);
      loop.set("index0", Value::integer(i));
      loop.set("index", Value::integer(i + 1));
      loop.set("revindex0", Value::integer(len - i - 1));
      loop.set("revindex", Value::integer(len - i));
      loop.set("first", Value::boolean(k == 0));
      loop.set("last", Value::boolean(k + 1 == items.size()));
      loop.set("length", Value::integer(len));
      loop.set("previtem", k > 0 ? items[k - 1] : Value());
      loop.set("nextitem", k + 1 < items.size() ? items[k + 1] : Value());
      scopes.back()["loop"] = loop;
      try {
        run(n.body);
      } catch (const LoopSignal& s) {
        if (s.is_break) {
          scopes.pop_back();
          break;
        }
      }
      scopes.pop_back();
    }
  }

  void bind(const Node& n, const Value& item) {
    if (n.targets.size() == 1) {
      scopes.back()[n.targets[0]] = item;
      return;
    }
    if (!item.is(T::kList) || item.list->size() != n.targets.size())
      error(n.pos,
            "cannot unpack a " + item.type_name() + " into " + std::to_string(n.targets.size()) + " loop variables");
    for (size_t k = 0; k < n.targets.size(); ++k) scopes.back()[n.targets[k]] = (*item.list)[k];
  }

  Value eval(const Expr& e) {
    try {
      return eval_inner(e);
    } catch (const std::invalid_argument& err) {
      error(e.pos, err.what());
    }
  }

  Value eval_inner(const Expr& e);
  Value binary(const Expr& e);

  const std::string& tmpl_;
};

int64_t wrap_index(int64_t i, size_t n) { return i < 0 ? i + int64_t(n) : i; }

Value Renderer::eval_inner(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return e.value;
    case Expr::Kind::kName:
      return lookup(e.name);
    case Expr::Kind::kList: {
      Value l = Value::new_list();
      for (const auto& a : e.args) l.list->push_back(eval(*a));
      return l;
    }
    case Expr::Kind::kDict: {
      Value d = Value::new_dict();
      for (const auto& [k, a] : e.kwargs) d.set(k, eval(*a));
      return d;
    }
    case Expr::Kind::kAttr: {
      Value obj = eval(*e.args[0]);
      if (obj.undefined()) error(e.pos, "'" + e.name + "' of an undefined value");
      return get_attribute(obj, e.name);
    }
    case Expr::Kind::kItem: {
      Value obj = eval(*e.args[0]), key = eval(*e.args[1]);
      if (obj.undefined()) error(e.pos, "subscript of an undefined value");
      if (key.is(T::kString)) return get_attribute(obj, key.s);
      if (!key.is(T::kInt)) error(e.pos, "index must be an int or str, got " + key.type_name());
      const int64_t i = obj.is(T::kList) ? wrap_index(key.i, obj.list->size()) : wrap_index(key.i, obj.s.size());
      if (obj.is(T::kList)) return i >= 0 && size_t(i) < obj.list->size() ? (*obj.list)[i] : Value();
      if (obj.is(T::kString)) return i >= 0 && size_t(i) < obj.s.size() ? Value::string(obj.s.substr(i, 1)) : Value();
      error(e.pos, "cannot index a " + obj.type_name());
    }
    case Expr::Kind::kSlice: {
      Value obj = eval(*e.args[0]);
      const auto opt = [&](int k, int64_t dflt) { return e.args[k] ? eval(*e.args[k]).i : dflt; };
      const int64_t step = opt(3, 1);
      if (step == 0) error(e.pos, "slice step cannot be zero");
      const size_t n = obj.is(T::kList) ? obj.list->size() : obj.s.size();
      if (!obj.is(T::kList) && !obj.is(T::kString)) error(e.pos, "cannot slice a " + obj.type_name());
      const auto clamp = [&](int64_t i, int64_t lo, int64_t hi) {
        return std::max(lo, std::min(hi, wrap_index(i, n)));
      };
      int64_t start = step > 0 ? clamp(opt(1, 0), 0, n) : clamp(opt(1, int64_t(n) - 1), -1, int64_t(n) - 1);
      const int64_t stop = e.args[2] ? (step > 0 ? clamp(opt(2, 0), 0, n) : clamp(opt(2, 0), -1, int64_t(n) - 1))
                                     : (step > 0 ? int64_t(n) : -1);
      Value out = obj.is(T::kList) ? Value::new_list() : Value::string("");
      for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (obj.is(T::kList))
          out.list->push_back((*obj.list)[i]);
        else
          out.s += obj.s[i];
      }
      return out;
    }
    case Expr::Kind::kCall: {
      Value f = eval(*e.args[0]);
      if (!f.is(T::kFunction))
        error(e.pos,
              "cannot call a " + f.type_name() +
                  (e.args[0]->kind == Expr::Kind::kName ? " ('" + e.args[0]->name + "' is not a supported function)"
                                                        : ""));
      Args args;
      Kwargs kwargs;
      for (size_t k = 1; k < e.args.size(); ++k) args.push_back(eval(*e.args[k]));
      for (const auto& [name, a] : e.kwargs) kwargs.emplace_back(name, eval(*a));
      return (*f.fn)(args, kwargs);
    }
    case Expr::Kind::kFilter: {
      Value x = eval(*e.args[0]);
      Args args;
      Kwargs kwargs;
      for (size_t k = 1; k < e.args.size(); ++k) args.push_back(eval(*e.args[k]));
      for (const auto& [name, a] : e.kwargs) kwargs.emplace_back(name, eval(*a));
      return apply_filter(e.name, x, args, kwargs);
    }
    case Expr::Kind::kTest: {
      Value x = eval(*e.args[0]);
      Args args;
      for (size_t k = 1; k < e.args.size(); ++k) args.push_back(eval(*e.args[k]));
      return Value::boolean(apply_test(e.name, x, args) != e.negated);
    }
    case Expr::Kind::kUnary: {
      Value x = eval(*e.args[0]);
      if (e.name == "not") return Value::boolean(!x.truthy());
      if (x.is(T::kInt)) return Value::integer(e.name == "-" ? -x.i : x.i);
      if (x.is(T::kFloat)) return Value::number(e.name == "-" ? -x.f : x.f);
      error(e.pos, "bad operand for unary " + e.name + ": " + x.type_name());
    }
    case Expr::Kind::kBinary:
      return binary(e);
    case Expr::Kind::kTernary:
      return eval(*e.args[0]).truthy() ? eval(*e.args[1]) : eval(*e.args[2]);
  }
  return Value();
}

Value Renderer::binary(const Expr& e) {
  const std::string& op = e.name;
  Value a = eval(*e.args[0]);
  if (op == "and") return a.truthy() ? eval(*e.args[1]) : a;
  if (op == "or") return a.truthy() ? a : eval(*e.args[1]);
  Value b = eval(*e.args[1]);
  if (op == "==") return Value::boolean(equals(a, b));
  if (op == "!=") return Value::boolean(!equals(a, b));
  if (op == "~") return Value::string(to_str(a) + to_str(b));
  if (op == "in" || op == "not in") {
    bool found = false;
    if (b.is(T::kString) && a.is(T::kString))
      found = b.s.find(a.s) != std::string::npos;
    else if (b.is(T::kList))
      for (const Value& x : *b.list) found = found || equals(a, x);
    else if (b.is(T::kDict) && a.is(T::kString))
      found = b.find(a.s) != nullptr;
    else
      error(e.pos, "'in' needs a str, list or dict on the right, got " + b.type_name());
    return Value::boolean(found != (op == "not in"));
  }
  const bool num =
      (a.is(T::kInt) || a.is(T::kFloat) || a.is(T::kBool)) && (b.is(T::kInt) || b.is(T::kFloat) || b.is(T::kBool));
  if (op == "+" && a.is(T::kString) && b.is(T::kString)) return Value::string(a.s + b.s);
  if (op == "+" && a.is(T::kList) && b.is(T::kList)) {
    Value l = Value::new_list(*a.list);
    l.list->insert(l.list->end(), b.list->begin(), b.list->end());
    return l;
  }
  if (op == "*" && a.is(T::kString) && b.is(T::kInt)) {
    std::string s;
    for (int64_t k = 0; k < b.i; ++k) s += a.s;
    return Value::string(s);
  }
  if ((op == "<" || op == ">" || op == "<=" || op == ">=") && a.is(T::kString) && b.is(T::kString)) {
    const int c = a.s.compare(b.s);
    return Value::boolean(op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0);
  }
  if (!num) error(e.pos, "unsupported operand types for " + op + ": " + a.type_name() + " and " + b.type_name());
  const bool ints = !a.is(T::kFloat) && !b.is(T::kFloat);
  const double x = a.is(T::kFloat) ? a.f : a.is(T::kInt) ? double(a.i) : double(a.b);
  const double y = b.is(T::kFloat) ? b.f : b.is(T::kInt) ? double(b.i) : double(b.b);
  const int64_t xi = a.is(T::kInt) ? a.i : int64_t(a.b), yi = b.is(T::kInt) ? b.i : int64_t(b.b);
  if (op == "<") return Value::boolean(x < y);
  if (op == ">") return Value::boolean(x > y);
  if (op == "<=") return Value::boolean(x <= y);
  if (op == ">=") return Value::boolean(x >= y);
  if ((op == "/" || op == "//" || op == "%") && y == 0) error(e.pos, "division by zero");
  if (op == "+") return ints ? Value::integer(xi + yi) : Value::number(x + y);
  if (op == "-") return ints ? Value::integer(xi - yi) : Value::number(x - y);
  if (op == "*") return ints ? Value::integer(xi * yi) : Value::number(x * y);
  if (op == "/") return Value::number(x / y);
  if (op == "//") return ints ? Value::integer(int64_t(std::floor(x / y))) : Value::number(std::floor(x / y));
  if (op == "%") return ints ? Value::integer(((xi % yi) + yi) % yi) : Value::number(x - y * std::floor(x / y));
  if (op == "**") return ints && yi >= 0 ? Value::integer(int64_t(std::pow(x, y))) : Value::number(std::pow(x, y));
  error(e.pos, "unsupported operator '" + op + "'");
}

}  // namespace

std::string render(const Body& body, const std::string& tmpl,
                   const std::vector<std::pair<std::string, Value>>& globals) {
  Renderer r(tmpl);
  for (const auto& [k, v] : globals) r.scopes[0][k] = v;
  try {
    r.run(body);
  } catch (const LoopSignal&) {
    fail("chat template: 'break' or 'continue' outside a loop. HINT: use them only inside {{% for %}}");
  }
  return r.out;
}

}  // namespace grpo::jinja
