// Structure parsing of a normalised answer (see answer.h). Splits at top-level commas first (so
// "x=1, y=2" is a list of two relations), then '=' and '\in', then '\cup', then reads brackets:
// (a, b) is an open interval when a <= b and a tuple otherwise (as in math-verify), [a, b] and the
// half-open forms are intervals, \{...\} is a set, a bare "a, b" list is a set that remembers its
// written order, and three or more items in brackets make a tuple.
#include "rewards/math/answer.h"

#include <fmt/format.h>

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

void describe_into(const MathAnswer& a, std::string& out);

void describe_items(const std::vector<MathAnswer>& items, std::string& out) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    describe_into(items[i], out);
  }
}

void describe_into(const MathAnswer& a, std::string& out) {
  switch (a.kind) {
    case AnswerKind::kScalar: {
      if (a.expr.kind == NodeKind::kText) {
        out += "text:" + a.expr.name;
        break;
      }
      auto v = evaluate(a.expr);
      if (v && v->exact) out += v->q.str();
      else if (v) out += fmt::format("{:.10g}", v->d);
      else if (std::string l = letters_of(a.expr); !l.empty()) out += l;
      else out += "expr";
      break;
    }
    case AnswerKind::kInterval:
      out += a.left_open ? "interval(" : "interval[";
      describe_items(a.items, out);
      out += a.right_open ? ")" : "]";
      break;
    case AnswerKind::kUnion:
      out += "union{";
      describe_items(a.items, out);
      out += "}";
      break;
    case AnswerKind::kTuple:
      out += "tuple(";
      describe_items(a.items, out);
      out += ")";
      break;
    case AnswerKind::kSet:
      out += a.bare_list ? "list{" : "set{";
      describe_items(a.items, out);
      out += "}";
      break;
    case AnswerKind::kRelation:
      describe_into(a.items[0], out);
      out += " = ";
      describe_into(a.items[1], out);
      break;
  }
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

std::string describe(const MathAnswer& answer) {
  std::string out;
  describe_into(answer, out);
  return out;
}

}  // namespace grpo::math
