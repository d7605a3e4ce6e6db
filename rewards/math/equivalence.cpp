// Answer equivalence (see equivalence.h). The order of checks follows math-verify's sympy_expr_eq:
//   1. relations: a prediction "x = 5" against a plain gold keeps only its right side; a gold
//      assignment against a plain prediction likewise; two relations compare lhs - rhs.
//   2. structures: a scalar is a one-element set; intervals compare ends and open/closed ends;
//      sets ignore order (sorted by value), tuples keep it; an open interval (a, b) equals a
//      two-element list in written order (it may be a point).
//   2b. inequalities compare link by link (or as the interval a gold one describes); matrices
//      compare entry by entry and equal nothing else.
//   3. scalars: a decimal literal on either side -> both rounded to `float_rounding` decimals
//      unless one side is an integer value (then only an equal value passes);
//      two integer literals (one may be a percentage) -> compare the integers (50% == 50);
//      otherwise equal values (exact for rationals, rel_tol for the rest; with variables, equal
//      at three fixed points per variable).
#include "rewards/math/equivalence.h"

#include <algorithm>
#include <cmath>

namespace grpo::math {
namespace {

Verdict yes(std::string reason) { return {true, std::move(reason)}; }
Verdict no(std::string reason) { return {false, std::move(reason)}; }

bool close(double a, double b, double rel_tol) {
  if (a == b) return true;
  if (std::isinf(a) || std::isinf(b) || std::isnan(a) || std::isnan(b)) return false;
  return std::abs(a - b) <= rel_tol * std::max({1e-300, std::abs(a), std::abs(b)});
}

bool values_equal(const Num& a, const Num& b, double rel_tol) {
  if (a.exact && b.exact) return a.q == b.q;
  return close(a.d, b.d, rel_tol);
}

bool rounded_equal(double a, double b, int decimals) {
  const long double scale = std::pow(10.0L, decimals);
  return std::nearbyint(static_cast<long double>(a) * scale) == std::nearbyint(static_cast<long double>(b) * scale);
}

// Deterministic, distinct values per variable name for the point test.
double point_value(const std::string& name, int point) {
  uint64_t h = 1469598103934665603ull;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return 0.37 + static_cast<double>(h % 997) / 331.0 + 0.713 * point;
}

Verdict with_variables(const Node& g, const Node& p, const std::set<std::string>& vars, double rel_tol) {
  int compared = 0;
  for (int point = 0; point < 3; ++point) {
    VarValues values;
    for (const auto& v : vars) values[v] = point_value(v, point);
    auto a = evaluate(g, &values), b = evaluate(p, &values);
    if (!a || !b) continue;
    if (!close(a->d, b->d, rel_tol)) return no("expressions differ at a test point");
    ++compared;
  }
  return compared > 0 ? yes("expressions agree at test points") : no("expressions undefined at test points");
}

double sort_value(const MathAnswer& a) {
  if (a.kind == AnswerKind::kRelation) return sort_value(a.items[1]);
  if (a.kind != AnswerKind::kScalar) return INFINITY;
  auto v = evaluate(a.expr);
  return v ? v->d : INFINITY;
}

std::vector<MathAnswer> sorted_items(std::vector<MathAnswer> items) {
  std::stable_sort(items.begin(), items.end(),
                   [](const MathAnswer& x, const MathAnswer& y) { return sort_value(x) < sort_value(y); });
  return items;
}

// A set keeps one copy of structurally equal elements (5, 5 is {5}), as sympy's FiniteSet does.
std::vector<MathAnswer> dedup(const std::vector<MathAnswer>& items) {
  std::vector<MathAnswer> out;
  std::vector<std::string> seen;
  for (const auto& item : items) {
    std::string key = describe(item);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return out;
}

Verdict pairwise(const std::vector<MathAnswer>& g, const std::vector<MathAnswer>& p, const EquivalenceOptions& o,
                 const char* what) {
  if (g.size() != p.size()) return no(std::string(what) + ": different sizes");
  for (size_t i = 0; i < g.size(); ++i)
    if (!equivalent(g[i], p[i], o).equal) return no(std::string(what) + ": element " + std::to_string(i) + " differs");
  return yes(what);
}

Verdict intervals(const MathAnswer& g, const MathAnswer& p, const EquivalenceOptions& o) {
  if (g.left_open != p.left_open || g.right_open != p.right_open) return no("interval: open/closed ends differ");
  if (!equivalent(g.items[0], p.items[0], o).equal || !equivalent(g.items[1], p.items[1], o).equal)
    return no("interval: ends differ");
  return yes("interval");
}

bool is_collection(const MathAnswer& a) { return a.kind == AnswerKind::kSet || a.kind == AnswerKind::kTuple; }

// Sets vs tuples vs lists (math-verify's sympy_deep_compare_set_and_tuple): a gold set ignores
// order; a gold tuple against a predicted set or list uses it in written order.
Verdict collections(const MathAnswer& g, const MathAnswer& p, const EquivalenceOptions& o) {
  const bool g_set = g.kind == AnswerKind::kSet, p_set = p.kind == AnswerKind::kSet;
  std::vector<MathAnswer> gi = g_set ? dedup(g.items) : g.items;
  std::vector<MathAnswer> pi = p_set ? dedup(p.items) : p.items;
  if (g_set) return pairwise(sorted_items(gi), sorted_items(pi), o, "set (order-insensitive)");
  return pairwise(gi, pi, o, p_set ? "tuple vs list in written order" : "tuple (ordered)");
}

MathAnswer as_tuple(const MathAnswer& interval) {
  MathAnswer t;
  t.kind = AnswerKind::kTuple;
  t.items = interval.items;
  return t;
}

MathAnswer as_singleton(const MathAnswer& a) {
  MathAnswer s;
  s.kind = AnswerKind::kSet;
  s.items = {a};
  return s;
}

Verdict structures(const MathAnswer& gold, const MathAnswer& pred, const EquivalenceOptions& o) {
  const bool g_struct = gold.kind != AnswerKind::kScalar, p_struct = pred.kind != AnswerKind::kScalar;
  const MathAnswer g = g_struct ? gold : as_singleton(gold);
  const MathAnswer p = p_struct ? pred : as_singleton(pred);
  if (g.kind == AnswerKind::kInterval && p.kind == AnswerKind::kInterval) return intervals(g, p, o);
  if (g.kind == AnswerKind::kUnion && p.kind == AnswerKind::kUnion) {
    if (g.items.size() != p.items.size()) return no("union: different number of intervals");
    auto gs = g.items, ps = p.items;
    auto by_start = [](const MathAnswer& x, const MathAnswer& y) { return sort_value(x.items[0]) < sort_value(y.items[0]); };
    std::sort(gs.begin(), gs.end(), by_start);
    std::sort(ps.begin(), ps.end(), by_start);
    for (size_t i = 0; i < gs.size(); ++i)
      if (!intervals(gs[i], ps[i], o).equal) return no("union: intervals differ");
    return yes("union of intervals");
  }
  if (is_collection(g) && is_collection(p)) return collections(g, p, o);
  // (1, 2) may be a point: an open interval equals a two-element list or tuple.
  const bool open_g = g.kind == AnswerKind::kInterval && g.left_open && g.right_open;
  const bool open_p = p.kind == AnswerKind::kInterval && p.left_open && p.right_open;
  if (open_g && is_collection(p) && p.items.size() == 2) return collections(as_tuple(g), p, o);
  if (open_p && is_collection(g) && g.items.size() == 2) return collections(g, as_tuple(p), o);
  return no("different kinds of structure");
}

Verdict relations(const MathAnswer& g, const MathAnswer& p, const EquivalenceOptions& o) {
  const MathAnswer &gl = g.items[0], &gr = g.items[1], &pl = p.items[0], &pr = p.items[1];
  const bool scalars = gl.kind == AnswerKind::kScalar && gr.kind == AnswerKind::kScalar &&
                       pl.kind == AnswerKind::kScalar && pr.kind == AnswerKind::kScalar;
  if (!scalars) {
    if (equivalent(gl, pl, o).equal && equivalent(gr, pr, o).equal) return yes("relation: both sides equal");
    return no("relation: sides differ");
  }
  // lhs - rhs must agree, or be negated (a = b is b = a).
  auto diff = [](const Node& l, const Node& r, bool flip) {
    Node neg;
    neg.kind = NodeKind::kNeg;
    neg.kids.push_back(flip ? l : r);
    Node sum;
    sum.kind = NodeKind::kAdd;
    sum.kids = {flip ? r : l, std::move(neg)};
    return sum;
  };
  const Node gd = diff(gl.expr, gr.expr, false);
  if (equivalent_scalars(gd, diff(pl.expr, pr.expr, false), o).equal ||
      equivalent_scalars(gd, diff(pl.expr, pr.expr, true), o).equal)
    return yes("relation: lhs - rhs agree");
  return no("relation: lhs - rhs differ");
}

// Two matrices of the same shape, element by element (math-verify compares Matrix entries with
// its numeric rules); a matrix equals nothing else.
Verdict matrices(const MathAnswer& g, const MathAnswer& p, const EquivalenceOptions& o) {
  if (g.kind != AnswerKind::kMatrix || p.kind != AnswerKind::kMatrix) return no("matrix vs something else");
  if (g.items.size() != p.items.size() || g.items[0].items.size() != p.items[0].items.size())
    return no("matrix: shapes differ");
  for (size_t r = 0; r < g.items.size(); ++r)
    if (!pairwise(g.items[r].items, p.items[r].items, o, "row").equal) return no("matrix: entries differ");
  return yes("matrix");
}

// a < b (chains: a < b <= c, compared link by link) equals a' < b' when a - b = a' - b', or the
// flipped b' > a'. A gold inequality against a predicted interval compares the interval it
// describes; the reverse is not compared (math-verify's allow_set_relation_comp = False).
Verdict inequalities(const MathAnswer& g, const MathAnswer& p, const EquivalenceOptions& o) {
  if (g.kind == AnswerKind::kInequality && p.kind != AnswerKind::kInequality) {
    const auto interval = inequality_as_interval(g);
    if (!interval || (p.kind != AnswerKind::kInterval && p.kind != AnswerKind::kSet && p.kind != AnswerKind::kUnion))
      return no("inequality vs value");
    return structures(*interval, p, o);
  }
  if (g.kind != AnswerKind::kInequality || p.kind != AnswerKind::kInequality) return no("value vs inequality");
  if (g.ops.size() != p.ops.size()) return no("inequality: different chain lengths");
  auto flip = [](const std::string& op) { return op[0] == '<' ? ">" + op.substr(1) : "<" + op.substr(1); };
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const MathAnswer &gl = g.items[i], &gr = g.items[i + 1], &pl = p.items[i], &pr = p.items[i + 1];
    if (gl.kind != AnswerKind::kScalar || gr.kind != AnswerKind::kScalar || pl.kind != AnswerKind::kScalar ||
        pr.kind != AnswerKind::kScalar)
      return no("inequality: operand is not a value");
    auto diff = [](const Node& l, const Node& r) {
      Node neg;
      neg.kind = NodeKind::kNeg;
      neg.kids.push_back(r);
      Node sum;
      sum.kind = NodeKind::kAdd;
      sum.kids = {l, std::move(neg)};
      return sum;
    };
    const Node gd = diff(gl.expr, gr.expr);
    const bool same = g.ops[i] == p.ops[i] && equivalent_scalars(gd, diff(pl.expr, pr.expr), o).equal;
    const bool flipped = flip(g.ops[i]) == p.ops[i] && equivalent_scalars(gd, diff(pr.expr, pl.expr), o).equal;
    if (!same && !flipped) return no("inequality: link " + std::to_string(i) + " differs");
  }
  return yes("inequality");
}

}  // namespace

Verdict equivalent_scalars(const Node& g, const Node& p, const EquivalenceOptions& o) {
  if (g.kind == NodeKind::kText || p.kind == NodeKind::kText) {
    // \text{yes} equals the letters y e s written as symbols; words compare case-insensitively.
    const std::string a = letters_of(g), b = letters_of(p);
    return !a.empty() && a == b ? yes("same text") : no("different text");
  }
  if (contains_text(g) || contains_text(p)) return no("text inside an expression");
  std::set<std::string> vars;
  collect_variables(g, vars);
  collect_variables(p, vars);
  if (!vars.empty()) return with_variables(g, p, vars, o.rel_tol);

  auto a = evaluate(g), b = evaluate(p);
  if (!a || !b) return no(a ? "prediction has no value" : "gold has no value");
  const LiteralKind lg = literal_kind(g), lp = literal_kind(p);
  if (lg == LiteralKind::kFloat || lp == LiteralKind::kFloat) {
    // sympy rounds a Float (and any non-integer value) to `float_rounding` decimals, but an
    // integer value stays an Integer, which never equals a Float: 5 vs 5.0000001 is wrong while
    // 1/3 vs 0.333333 is right. Failing that, only an exactly equal value (5 vs 5.0) passes.
    const bool g_int = lg != LiteralKind::kFloat && a->exact && a->q.is_integer();
    const bool p_int = lp != LiteralKind::kFloat && b->exact && b->q.is_integer();
    if (!g_int && !p_int && rounded_equal(a->d, b->d, o.float_rounding))
      return yes("equal rounded to " + std::to_string(o.float_rounding) + " decimals");
    if (a->exact && b->exact && a->q == b->q) return yes("equal value");
    return no("differ rounded to " + std::to_string(o.float_rounding) + " decimals");
  }
  if (lg == LiteralKind::kInteger && lp == LiteralKind::kInteger && (is_percent(g) || is_percent(p))) {
    // math-verify: "If it's 9% == 9, we can use integer comparison".
    auto base = [](const Node& n, const Num& v) { return is_percent(n) ? percent_base(n) : std::optional<Rational>(v.q); };
    auto x = base(g, *a), y = base(p, *b);
    if (x && y && *x == *y) return yes("same integer (percent sign ignored)");
  }
  if (values_equal(*a, *b, o.rel_tol)) return yes(a->exact && b->exact ? "exact" : "equal value");
  return no(a->exact && b->exact ? "different exact values" : "different values");
}

Verdict equivalent(const MathAnswer& gold_in, const MathAnswer& pred_in, const EquivalenceOptions& o) {
  const MathAnswer* gold = &gold_in;
  const MathAnswer* pred = &pred_in;
  const bool g_rel = gold->kind == AnswerKind::kRelation, p_rel = pred->kind == AnswerKind::kRelation;
  // Follow the gold's form: "x = 5" vs 5 compares 5 with 5; "2x + 3 = 7" vs 2 does not unwrap.
  if (p_rel && !g_rel) pred = &pred->items[1];
  else if (g_rel && gold->assignment && !p_rel) gold = &gold->items[1];
  if (gold->kind == AnswerKind::kRelation && pred->kind == AnswerKind::kRelation) return relations(*gold, *pred, o);
  if (gold->kind == AnswerKind::kRelation || pred->kind == AnswerKind::kRelation) return no("equation vs value");
  if (gold->kind == AnswerKind::kInequality || pred->kind == AnswerKind::kInequality) return inequalities(*gold, *pred, o);
  if (gold->kind == AnswerKind::kMatrix || pred->kind == AnswerKind::kMatrix) return matrices(*gold, *pred, o);
  if (gold->kind != AnswerKind::kScalar || pred->kind != AnswerKind::kScalar) return structures(*gold, *pred, o);
  return equivalent_scalars(gold->expr, pred->expr, o);
}

}  // namespace grpo::math
