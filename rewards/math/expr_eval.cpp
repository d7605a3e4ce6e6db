// Evaluation of expression trees (see expr.h): exact rational folding while every step stays
// rational (checked __int128, so overflow falls back to double rather than wrapping), doubles
// otherwise. Also the literal classification that math-verify's comparison rules depend on.
#include <cmath>
#include <numbers>

#include "rewards/math/expr.h"

namespace grpo::math {
namespace {

Num inexact(double d) { return Num{false, Rational{}, d}; }
Num exact(const Rational& q) { return Num{true, q, q.to_double()}; }

std::optional<Num> combine(const Num& a, const Num& b, char op) {
  if (a.exact && b.exact) {
    std::optional<Rational> r;
    switch (op) {
      case '+': r = add(a.q, b.q); break;
      case '*': r = mul(a.q, b.q); break;
      case '/':
        if (b.q.num == 0) return std::nullopt;
        r = div(a.q, b.q);
        break;
    }
    if (r) return exact(*r);
  }
  double d = 0.0;
  switch (op) {
    case '+': d = a.d + b.d; break;
    case '*': d = a.d * b.d; break;
    case '/':
      if (b.d == 0.0) return std::nullopt;
      d = a.d / b.d;
      break;
  }
  return inexact(d);
}

std::optional<Num> power(const Num& base, const Num& exponent) {
  if (base.exact && exponent.exact) {
    const Rational& e = exponent.q;
    if (e.is_integer()) {
      if (auto r = pow_int(base.q, static_cast<int64_t>(e.num))) return exact(*r);
    } else if (e.den <= 64) {
      // base^(p/q) = (q-th root of base)^p, exact when base is a perfect q-th power.
      if (auto root = exact_root(base.q, static_cast<int64_t>(e.den)))
        if (auto r = pow_int(*root, static_cast<int64_t>(e.num))) return exact(*r);
    }
  }
  if (base.d < 0 && std::floor(exponent.d) != exponent.d) {
    // Odd roots of negatives are real: (-8)^(1/3) = -2.
    if (exponent.exact && exponent.q.den % 2 == 1) {
      const double mag = std::pow(-base.d, exponent.d);
      return inexact(exponent.q.num % 2 == 0 ? mag : -mag);
    }
    return std::nullopt;
  }
  const double d = std::pow(base.d, exponent.d);
  if (std::isnan(d)) return std::nullopt;
  return inexact(d);
}

std::optional<Num> function(const std::string& name, const Num& x, const std::optional<Num>& base) {
  double d = NAN;
  if (name == "sin") d = std::sin(x.d);
  else if (name == "cos") d = std::cos(x.d);
  else if (name == "tan") d = std::tan(x.d);
  else if (name == "exp") d = std::exp(x.d);
  else if (name == "ln") d = x.d > 0 ? std::log(x.d) : NAN;
  else if (name == "log") d = x.d > 0 ? std::log(x.d) / std::log(base ? base->d : 10.0) : NAN;
  if (std::isnan(d)) return std::nullopt;
  // Exact results that matter for answers: log_2 8 = 3, log 100 = 2, cos 0 = 1.
  const double r = std::round(d);
  if (std::abs(d - r) < 1e-12 && x.exact && (!base || base->exact) && std::abs(r) < 1e15)
    return exact(Rational::integer(static_cast<Int>(r)));
  return inexact(d);
}

std::optional<Num> small_integer(const std::optional<Num>& v, int64_t max) {
  if (!v || !v->exact || !v->q.is_integer() || v->q.num < 0 || v->q.num > max) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Num> evaluate(const Node& n, const VarValues* vars) {
  switch (n.kind) {
    case NodeKind::kNumber:
      return n.q ? exact(*n.q) : inexact(n.d);
    case NodeKind::kConstant:
      if (n.name == "pi") return inexact(std::numbers::pi);
      if (n.name == "e") return inexact(std::numbers::e);
      return inexact(INFINITY);
    case NodeKind::kVariable: {
      if (vars == nullptr) return std::nullopt;
      auto it = vars->find(n.name);
      if (it == vars->end()) return std::nullopt;
      return inexact(it->second);
    }
    case NodeKind::kText:
      return std::nullopt;
    case NodeKind::kAdd:
    case NodeKind::kMul: {
      std::optional<Num> acc = evaluate(n.kids[0], vars);
      for (size_t i = 1; acc && i < n.kids.size(); ++i) {
        auto v = evaluate(n.kids[i], vars);
        if (!v) return std::nullopt;
        acc = combine(*acc, *v, n.kind == NodeKind::kAdd ? '+' : '*');
      }
      return acc;
    }
    case NodeKind::kNeg: {
      auto v = evaluate(n.kids[0], vars);
      if (!v) return std::nullopt;
      return v->exact ? exact(Rational{-v->q.num, v->q.den}) : inexact(-v->d);
    }
    case NodeKind::kDiv: {
      auto a = evaluate(n.kids[0], vars), b = evaluate(n.kids[1], vars);
      if (!a || !b) return std::nullopt;
      return combine(*a, *b, '/');
    }
    case NodeKind::kPow: {
      auto a = evaluate(n.kids[0], vars), b = evaluate(n.kids[1], vars);
      if (!a || !b) return std::nullopt;
      return power(*a, *b);
    }
    case NodeKind::kRoot: {
      auto a = evaluate(n.kids[0], vars);
      if (!a) return std::nullopt;
      return power(*a, exact(Rational{1, n.root_index}));
    }
    case NodeKind::kFunc: {
      auto x = evaluate(n.kids[0], vars);
      std::optional<Num> base;
      if (n.kids.size() > 1) {
        base = evaluate(n.kids[1], vars);
        if (!base) return std::nullopt;
      }
      if (!x) return std::nullopt;
      return function(n.name, *x, base);
    }
    case NodeKind::kPercent: {
      auto v = evaluate(n.kids[0], vars);
      if (!v) return std::nullopt;
      return combine(*v, exact(Rational::integer(100)), '/');
    }
    case NodeKind::kFactorial: {
      auto v = small_integer(evaluate(n.kids[0], vars), 30);
      if (!v) return std::nullopt;
      Rational r = Rational::integer(1);
      for (Int i = 2; i <= v->q.num; ++i) r = *mul(r, Rational::integer(i));
      return exact(r);
    }
    case NodeKind::kBinom: {
      auto nn = small_integer(evaluate(n.kids[0], vars), 120), kk = small_integer(evaluate(n.kids[1], vars), 120);
      if (!nn || !kk) return std::nullopt;
      if (kk->q.num > nn->q.num) return exact(Rational::integer(0));
      Rational r = Rational::integer(1);
      for (Int i = 1; i <= kk->q.num; ++i) {
        auto next = mul(r, *Rational::make(nn->q.num - kk->q.num + i, i));
        if (!next) return std::nullopt;
        r = *next;
      }
      return exact(r);
    }
  }
  return std::nullopt;
}

LiteralKind literal_kind(const Node& n) {
  switch (n.kind) {
    case NodeKind::kNumber:
      return n.decimal_point ? LiteralKind::kFloat : LiteralKind::kInteger;
    case NodeKind::kNeg:
    case NodeKind::kPercent:
      return literal_kind(n.kids[0]);
    case NodeKind::kDiv: {
      // \frac{a}{b} of two integers is one sympy Rational (an atom); of anything else, an expression.
      const auto a = literal_kind(n.kids[0]), b = literal_kind(n.kids[1]);
      return a == LiteralKind::kInteger && b == LiteralKind::kInteger ? LiteralKind::kRational : LiteralKind::kNone;
    }
    default:
      return LiteralKind::kNone;
  }
}

bool is_percent(const Node& n) {
  if (n.kind == NodeKind::kNeg) return is_percent(n.kids[0]);
  return n.kind == NodeKind::kPercent;
}

std::optional<Rational> percent_base(const Node& n) {
  if (n.kind == NodeKind::kNeg) {
    auto b = percent_base(n.kids[0]);
    return b ? std::optional<Rational>(Rational{-b->num, b->den}) : std::nullopt;
  }
  if (n.kind != NodeKind::kPercent) return std::nullopt;
  auto v = evaluate(n.kids[0]);
  if (!v || !v->exact) return std::nullopt;
  return v->q;
}

void collect_variables(const Node& n, std::set<std::string>& out) {
  if (n.kind == NodeKind::kVariable) out.insert(n.name);
  for (const Node& k : n.kids) collect_variables(k, out);
}

bool contains_text(const Node& n) {
  if (n.kind == NodeKind::kText) return true;
  for (const Node& k : n.kids)
    if (contains_text(k)) return true;
  return false;
}

std::string letters_of(const Node& n) {
  if (n.kind == NodeKind::kVariable && n.name.size() == 1) return n.name;
  if (n.kind == NodeKind::kConstant && n.name == "e") return "e";
  if (n.kind == NodeKind::kText) return n.name;
  if (n.kind != NodeKind::kMul) return {};
  std::string out;
  for (const Node& k : n.kids) {
    std::string part = letters_of(k);
    if (part.empty()) return {};
    out += part;
  }
  return out;
}

}  // namespace grpo::math
