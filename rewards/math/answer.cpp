// Structure parsing of a normalised answer (see answer.h). Splits at top-level commas first (so
// "x=1, y=2" is a list of two relations), then '=' and '\in', then '\cup', then reads brackets:
// (a, b) is an open interval when a <= b and a tuple otherwise (as in math-verify), [a, b] and the
// half-open forms are intervals, \{...\} is a set, a bare "a, b" list is a set that remembers its
// written order, and three or more items in brackets make a tuple.
#include "rewards/math/answer.h"

#include <algorithm>
#include <cctype>

namespace grpo::math {
namespace {

struct Fail {
  std::string message;
};

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool opens(std::string_view s, size_t i, size_t& len) {
  if (s.compare(i, 2, "\\{") == 0) return len = 2, true;
  if (s[i] == '(' || s[i] == '[' || s[i] == '{') return len = 1, true;
  return false;
}
bool closes(std::string_view s, size_t i, size_t& len) {
  if (s.compare(i, 2, "\\}") == 0) return len = 2, true;
  if (s[i] == ')' || s[i] == ']' || s[i] == '}') return len = 1, true;
  return false;
}

// Positions of `sep` at nesting depth 0. Brackets are matched loosely ('(' may close with ']'),
// which half-open intervals need.
std::vector<size_t> top_level(std::string_view s, std::string_view sep) {
  std::vector<size_t> out;
  int depth = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    if (opens(s, i, len)) {
      ++depth;
      i += len;
    } else if (closes(s, i, len)) {
      --depth;
      i += len;
    } else {
      if (depth == 0 && s.compare(i, sep.size(), sep) == 0) {
        const size_t end = i + sep.size();
        const bool command = sep[0] == '\\';
        if (!command || end >= s.size() || !std::isalpha(static_cast<unsigned char>(s[end]))) out.push_back(i);
      }
      ++i;
    }
  }
  return out;
}

std::vector<std::string> split(std::string_view s, const std::vector<size_t>& at, size_t sep_len) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t p : at) {
    parts.push_back(trim(s.substr(start, p - start)));
    start = p + sep_len;
  }
  parts.push_back(trim(s.substr(start)));
  return parts;
}

// Index of the bracket closing the one at 0, or npos.
size_t matching_close(std::string_view s) {
  int depth = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    if (opens(s, i, len)) {
      ++depth;
      i += len;
    } else if (closes(s, i, len)) {
      if (--depth == 0) return i;
      i += len;
    } else {
      ++i;
    }
  }
  return std::string::npos;
}

MathAnswer parse_any(std::string_view s);

MathAnswer scalar(std::string_view s) {
  if (s.empty()) throw Fail{"empty answer"};
  ParsedExpr e = parse_expression(s);
  if (!e.node) throw Fail{e.error};
  MathAnswer a;
  a.expr = std::move(*e.node);
  return a;
}

std::vector<MathAnswer> items_of(const std::vector<std::string>& parts) {
  std::vector<MathAnswer> items;
  for (const auto& p : parts) items.push_back(parse_any(p));
  return items;
}

bool only_symbols(const MathAnswer& a) {
  if (a.kind != AnswerKind::kScalar) return false;
  return !letters_of(a.expr).empty() || (a.expr.kind == NodeKind::kVariable);
}

MathAnswer relation(const std::vector<std::string>& parts) {
  // A chain a = b = c keeps its first left side and last right side (x = 3+2 = 5 is x = 5).
  MathAnswer r;
  r.kind = AnswerKind::kRelation;
  r.items.push_back(parse_any(parts.front()));
  r.items.push_back(parse_any(parts.back()));
  r.assignment = only_symbols(r.items[0]);
  return r;
}

// Top-level inequality operators, longest spelling first: {position, length, canonical op}.
struct IneqOp {
  size_t pos, len;
  const char* op;
};
std::vector<IneqOp> inequality_ops(std::string_view s) {
  static constexpr std::pair<const char*, const char*> kSpellings[] = {
      {"\\leq", "<="}, {"\\geq", ">="}, {"\\le", "<="}, {"\\ge", ">="}, {"\\lt", "<"}, {"\\gt", ">"},
      {"<=", "<="},    {">=", ">="},    {"<", "<"},     {">", ">"}};
  std::vector<IneqOp> out;
  int depth = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    if (opens(s, i, len)) {
      ++depth;
      i += len;
      continue;
    }
    if (closes(s, i, len)) {
      --depth;
      i += len;
      continue;
    }
    bool matched = false;
    for (auto [spelling, op] : kSpellings) {
      const std::string_view sp(spelling);
      if (depth != 0 || s.compare(i, sp.size(), sp) != 0) continue;
      const size_t end = i + sp.size();
      if (sp[0] == '\\' && end < s.size() && std::isalpha(static_cast<unsigned char>(s[end]))) continue;
      out.push_back({i, sp.size(), op});
      i = end;
      matched = true;
      break;
    }
    if (!matched) ++i;
  }
  return out;
}

MathAnswer inequality(std::string_view s, const std::vector<IneqOp>& at) {
  MathAnswer a;
  a.kind = AnswerKind::kInequality;
  size_t start = 0;
  for (const auto& op : at) {
    a.items.push_back(parse_any(s.substr(start, op.pos - start)));
    a.ops.emplace_back(op.op);
    start = op.pos + op.len;
  }
  a.items.push_back(parse_any(s.substr(start)));
  return a;
}

// \begin{pmatrix} a & b \\ c & d \end{pmatrix} (also bmatrix, matrix): rows of cells.
std::optional<MathAnswer> matrix(std::string_view s) {
  for (std::string_view env : {"pmatrix", "bmatrix", "matrix"}) {
    const std::string begin = "\\begin{" + std::string(env) + "}", end = "\\end{" + std::string(env) + "}";
    if (s.substr(0, begin.size()) != begin || s.size() < begin.size() + end.size() ||
        s.substr(s.size() - end.size()) != end)
      continue;
    std::string_view body = s.substr(begin.size(), s.size() - begin.size() - end.size());
    MathAnswer m;
    m.kind = AnswerKind::kMatrix;
    size_t start = 0;
    for (;;) {
      const size_t row_end = body.find("\\\\", start);
      std::string row = trim(body.substr(start, row_end == std::string_view::npos ? body.npos : row_end - start));
      if (!row.empty()) {
        MathAnswer r;
        r.kind = AnswerKind::kTuple;
        for (const auto& cell : split(row, top_level(row, "&"), 1)) r.items.push_back(parse_any(cell));
        if (!m.items.empty() && m.items[0].items.size() != r.items.size()) throw Fail{"ragged matrix rows"};
        m.items.push_back(std::move(r));
      }
      if (row_end == std::string_view::npos) break;
      start = row_end + 2;
    }
    if (m.items.empty()) throw Fail{"empty matrix"};
    return m;
  }
  return std::nullopt;
}

MathAnswer bracketed(std::string_view s, size_t close) {
  const bool brace_set = s.compare(0, 2, "\\{") == 0;
  const std::string_view inner = s.substr(brace_set ? 2 : 1, close - (brace_set ? 2 : 1));
  const std::vector<std::string> parts = split(inner, top_level(inner, ","), 1);
  const char open = s[0], shut = s[close];
  MathAnswer a;
  if (brace_set) {
    a.kind = AnswerKind::kSet;
    a.items = items_of(parts);
    return a;
  }
  if (parts.size() == 1) return parse_any(inner);  // (x), [x], {x}: grouping
  if (open == '{') throw Fail{"a brace list needs \\{ \\}"};
  a.items = items_of(parts);
  if (parts.size() == 2) {
    auto lo = a.items[0].kind == AnswerKind::kScalar ? evaluate(a.items[0].expr) : std::nullopt;
    auto hi = a.items[1].kind == AnswerKind::kScalar ? evaluate(a.items[1].expr) : std::nullopt;
    const bool ordered = lo && hi && lo->d <= hi->d;
    if (open == '(' && shut == ')' && !ordered) {
      a.kind = AnswerKind::kTuple;  // (2, 1) is a point, not an empty interval
      return a;
    }
    a.kind = AnswerKind::kInterval;
    a.left_open = open == '(';
    a.right_open = shut == ')';
    return a;
  }
  a.kind = AnswerKind::kTuple;
  return a;
}

MathAnswer parse_any(std::string_view raw) {
  const std::string s = trim(raw);
  if (s.empty()) throw Fail{"empty answer"};
  if (s.compare(0, 7, "\\begin{") == 0)
    if (auto m = matrix(s)) return *m;
  if (s == "\\varnothing" || s == "\\{\\}") {
    MathAnswer empty;
    empty.kind = AnswerKind::kSet;
    return empty;
  }
  if (auto commas = top_level(s, ","); !commas.empty()) {
    MathAnswer a;
    a.kind = AnswerKind::kSet;
    a.bare_list = true;
    for (const auto& p : split(s, commas, 1))
      if (!p.empty()) a.items.push_back(parse_any(p));
    if (a.items.empty()) throw Fail{"empty list"};
    return a;
  }
  if (auto eq = top_level(s, "="); !eq.empty()) return relation(split(s, eq, 1));
  if (auto in = top_level(s, "\\in"); in.size() == 1) return relation(split(s, in, 3));
  if (auto ops = inequality_ops(s); !ops.empty()) return inequality(s, ops);
  if (auto cups = top_level(s, "\\cup"); !cups.empty()) {
    MathAnswer a;
    a.kind = AnswerKind::kUnion;
    a.items = items_of(split(s, cups, 4));
    for (const auto& part : a.items)
      if (part.kind != AnswerKind::kInterval) throw Fail{"\\cup of something that is not an interval"};
    return a;
  }
  if (s.compare(0, 3, "\\pm") == 0) {
    // \pm a is the set {a, -a}.
    MathAnswer a;
    a.kind = AnswerKind::kSet;
    MathAnswer plus = scalar(std::string_view(s).substr(3));
    MathAnswer minus = plus;
    Node neg;
    neg.kind = NodeKind::kNeg;
    neg.kids.push_back(plus.expr);
    minus.expr = std::move(neg);
    a.items = {std::move(plus), std::move(minus)};
    return a;
  }
  size_t len = 0;
  if (opens(s, 0, len)) {
    const size_t close = matching_close(s);
    if (close != std::string::npos && close + (s[close] == '\\' ? 2 : 1) == s.size()) return bracketed(s, close);
  }
  return scalar(s);
}

}  // namespace

ParsedAnswer parse_answer(std::string_view normalized) {
  ParsedAnswer out;
  // Bounded nesting keeps the recursion shallow for any input (a gold answer has no length cap).
  int depth = 0, max_depth = 0;
  for (char c : normalized) {
    if (c == '(' || c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
    if (c == ')' || c == ']' || c == '}') --depth;
  }
  if (max_depth > 100) {
    out.error = "brackets nested more than 100 deep";
    return out;
  }
  try {
    out.value = parse_any(normalized);
  } catch (const Fail& f) {
    out.error = f.message;
  }
  return out;
}

std::optional<MathAnswer> inequality_as_interval(const MathAnswer& q) {
  if (q.kind != AnswerKind::kInequality || q.items.size() > 3) return std::nullopt;
  auto is_var = [](const MathAnswer& a) { return a.kind == AnswerKind::kScalar && a.expr.kind == NodeKind::kVariable; };
  auto is_const = [](const MathAnswer& a) { return a.kind == AnswerKind::kScalar && evaluate(a.expr).has_value(); };
  auto infinity = [](bool negative) {
    MathAnswer e;
    e.expr.kind = NodeKind::kConstant;
    e.expr.name = "inf";
    if (!negative) return e;
    MathAnswer n;
    n.expr.kind = NodeKind::kNeg;
    n.expr.kids.push_back(e.expr);
    return n;
  };
  // Rewrite as lo (<|<=) x (<|<=) hi, flipping '>' chains.
  std::vector<MathAnswer> items = q.items;
  std::vector<std::string> ops = q.ops;
  const bool descending = ops[0][0] == '>';
  for (const auto& op : ops)
    if ((op[0] == '>') != descending) return std::nullopt;
  if (descending) {
    std::reverse(items.begin(), items.end());
    std::reverse(ops.begin(), ops.end());
    for (auto& op : ops) op[0] = '<';
  }
  MathAnswer iv;
  iv.kind = AnswerKind::kInterval;
  if (items.size() == 2 && is_var(items[0]) && is_const(items[1])) {  // x < c
    iv.items = {infinity(true), items[1]};
    iv.left_open = true;
    iv.right_open = ops[0] == "<";
  } else if (items.size() == 2 && is_const(items[0]) && is_var(items[1])) {  // c < x
    iv.items = {items[0], infinity(false)};
    iv.left_open = ops[0] == "<";
    iv.right_open = true;
  } else if (items.size() == 3 && is_const(items[0]) && is_var(items[1]) && is_const(items[2])) {
    iv.items = {items[0], items[2]};
    iv.left_open = ops[0] == "<";
    iv.right_open = ops[1] == "<";
  } else {
    return std::nullopt;
  }
  return iv;
}

}  // namespace grpo::math
