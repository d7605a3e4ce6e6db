// Recursive-descent parser for one normalised math scalar (see expr.h). Grammar, loosest first:
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '\cdot' | '\times' | '/' | '\div') unary | <implicit> power)*
//   unary   := ('-' | '+') unary | power          (so -1^2 = -(1^2), as math-verify reads it)
//   power   := postfix ('^' exponent)?            (right-associative; 2^10 takes all digits)
//   postfix := primary ('!' | '%')*
// Implicit multiplication covers 2\sqrt{3}, 3\pi, 2x, (x-1)(x+1). Must not throw.
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "rewards/math/expr.h"

namespace grpo::math {
namespace {

struct ParseError {
  std::string message;
};

Node make(NodeKind kind, std::vector<Node> kids = {}, std::string name = {}) {
  Node n;
  n.kind = kind;
  n.kids = std::move(kids);
  n.name = std::move(name);
  return n;
}

constexpr const char* kGreek[] = {"alpha", "beta", "gamma", "delta", "theta", "lambda", "mu",
                                   "sigma", "phi", "omega", "tau", "rho", "epsilon", "varphi"};
constexpr const char* kFuncs[] = {"sin", "cos", "tan", "ln", "log", "exp"};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Node parse_all() {
    Node n = sum();
    skip();
    if (pos_ < s_.size()) error(std::string("unexpected '") + s_[pos_] + "'");
    return n;
  }

 private:
  [[noreturn]] void error(const std::string& what) {
    throw ParseError{what + " at " + std::to_string(pos_) + " in '" + std::string(s_) + "'"};
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool peek(std::string_view t) {
    skip();
    return s_.substr(pos_, t.size()) == t;
  }
  // A command "\name" not followed by another letter (so \pi does not match \pil).
  bool peek_cmd(std::string_view name) {
    if (!peek(name)) return false;
    const size_t end = pos_ + name.size();
    return end >= s_.size() || !std::isalpha(static_cast<unsigned char>(s_[end]));
  }
  bool eat(std::string_view t) {
    if (!peek(t)) return false;
    pos_ += t.size();
    return true;
  }
  bool eat_cmd(std::string_view name) {
    if (!peek_cmd(name)) return false;
    pos_ += name.size();
    return true;
  }
  void expect(std::string_view t) {
    if (!eat(t)) error("expected '" + std::string(t) + "'");
  }

  Node sum() {
    // Bounded nesting: a hostile "((((...)))" must not overflow the stack.
    if (++depth_ > 200) error("nesting too deep");
    Node left = product();
    std::vector<Node> terms{std::move(left)};
    for (;;) {
      if (eat("+")) terms.push_back(product());
      else if (eat("-")) terms.push_back(make(NodeKind::kNeg, {product()}));
      else break;
    }
    --depth_;
    return terms.size() == 1 ? std::move(terms[0]) : make(NodeKind::kAdd, std::move(terms));
  }

  bool starts_primary() {
    skip();
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) || std::isalpha(static_cast<unsigned char>(c))) return true;
    if (c == '(' || c == '{' || c == '.') return true;
    if (c == '[') return true;
    if (c == '\\') {
      for (auto op : {"\\cdot", "\\times", "\\div", "\\cup", "\\in", "\\pm", "\\right", "\\}"})
        if (peek_cmd(op) || (op[1] == '}' && peek(op))) return false;
      return true;
    }
    return false;
  }

  Node product() {
    std::vector<Node> factors{unary()};
    for (;;) {
      if (eat("*") || eat_cmd("\\cdot") || eat_cmd("\\times")) {
        factors.push_back(unary());
      } else if (eat("/") || eat_cmd("\\div")) {
        Node rhs = unary();
        Node lhs = factors.size() == 1 ? std::move(factors[0]) : make(NodeKind::kMul, std::move(factors));
        factors.clear();
        factors.push_back(make(NodeKind::kDiv, {std::move(lhs), std::move(rhs)}));
      } else if (starts_primary()) {
        factors.push_back(power());
      } else {
        break;
      }
    }
    return factors.size() == 1 ? std::move(factors[0]) : make(NodeKind::kMul, std::move(factors));
  }

  Node unary() {
    if (eat("-")) return make(NodeKind::kNeg, {unary()});
    if (eat("+")) return unary();
    return power();
  }

  Node power() {
    Node base = postfix();
    if (eat("^")) {
      Node exponent = exponent_group();
      base = make(NodeKind::kPow, {std::move(base), std::move(exponent)});
      while (eat("!")) base = make(NodeKind::kFactorial, {std::move(base)});
    }
    return base;
  }

  Node exponent_group() {
    skip();
    if (eat("{")) {
      Node e = sum();
      expect("}");
      return e;
    }
    if (eat("(")) {
      Node e = sum();
      expect(")");
      return e;
    }
    if (eat("-")) return make(NodeKind::kNeg, {exponent_group()});
    if (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) return number();
    return primary();
  }

  Node postfix() {
    Node n = primary();
    for (;;) {
      if (eat("!")) n = make(NodeKind::kFactorial, {std::move(n)});
      else if (eat("%")) n = make(NodeKind::kPercent, {std::move(n)});
      else break;
    }
    return n;
  }

  Node number() {
    skip();
    const size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    bool dot = false;
    if (pos_ < s_.size() && s_[pos_] == '.' && pos_ + 1 < s_.size() &&
        std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
      dot = true;
      ++pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    if (pos_ == start) error("expected a number");
    std::string_view digits = s_.substr(start, pos_ - start);
    Node n = make(NodeKind::kNumber);
    n.decimal_point = dot;
    n.q = Rational::parse_decimal(digits);
    n.d = std::strtod(std::string(digits).c_str(), nullptr);
    // Scientific notation 1.2e3 / 2.5e-3 (a digit must follow the e and its sign).
    size_t e = pos_;
    if (e < s_.size() && (s_[e] == 'e' || s_[e] == 'E')) {
      size_t k = e + 1;
      if (k < s_.size() && (s_[k] == '-' || s_[k] == '+')) ++k;
      if (k < s_.size() && std::isdigit(static_cast<unsigned char>(s_[k]))) {
        size_t end = k;
        while (end < s_.size() && std::isdigit(static_cast<unsigned char>(s_[end]))) ++end;
        const long exponent = std::strtol(std::string(s_.substr(e + 1, end - e - 1)).c_str(), nullptr, 10);
        n.d *= std::pow(10.0, static_cast<double>(exponent));
        n.decimal_point = true;
        if (n.q) {
          auto scale = pow_int(Rational::integer(10), exponent);
          n.q = scale ? mul(*n.q, *scale) : std::nullopt;
        }
        pos_ = end;
      }
    }
    return n;
  }

  Node group(char open, char close) {
    expect(std::string(1, open));
    Node n = sum();
    expect(std::string(1, close));
    return n;
  }

  // \frac{a}{b}; a mixed number 3\frac{1}{2} is handled by the caller.
  Node fraction() {
    Node num = braced_or_char();
    Node den = braced_or_char();
    return make(NodeKind::kDiv, {std::move(num), std::move(den)});
  }

  // {expr}, or one character as in \frac12 or \sqrt2.
  Node braced_or_char() {
    skip();
    if (peek("{")) return group('{', '}');
    if (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      Node n = make(NodeKind::kNumber);
      n.q = Rational::integer(s_[pos_] - '0');
      n.d = s_[pos_] - '0';
      ++pos_;
      return n;
    }
    if (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) return letter();
    return primary();
  }

  Node letter() {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[pos_++])));
    if (c == 'e') return make(NodeKind::kConstant, {}, "e");
    return make(NodeKind::kVariable, {}, std::string(1, c));
  }

  Node text_group() {
    expect("{");
    const size_t start = pos_;
    int depth = 1;
    while (pos_ < s_.size() && depth > 0) {
      if (s_[pos_] == '{') ++depth;
      if (s_[pos_] == '}') --depth;
      ++pos_;
    }
    if (depth != 0) error("unclosed \\text{");
    std::string_view inner = s_.substr(start, pos_ - 1 - start);
    std::string words;
    bool letters_only = !inner.empty();
    for (char c : inner) {
      if (std::isalpha(static_cast<unsigned char>(c))) words += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      else if (c != ' ') letters_only = false;
    }
    if (letters_only && words.size() > 1) return make(NodeKind::kText, {}, words);
    ParsedExpr sub = parse_expression(inner);
    if (!sub.node) error("cannot read \\text{" + std::string(inner) + "}");
    return std::move(*sub.node);
  }

  Node function(const std::string& name) {
    Node base;
    bool has_base = false;
    if (name == "log" && eat("_")) {
      base = braced_or_char();
      has_base = true;
    }
    skip();
    Node arg = peek("(") ? group('(', ')') : braced_or_char();
    std::vector<Node> kids{std::move(arg)};
    if (has_base) kids.push_back(std::move(base));
    return make(NodeKind::kFunc, std::move(kids), name);
  }

  Node command() {
    if (eat_cmd("\\frac")) return fraction();
    if (eat_cmd("\\binom")) {
      Node n = braced_or_char();
      Node k = braced_or_char();
      return make(NodeKind::kBinom, {std::move(n), std::move(k)});
    }
    if (eat_cmd("\\sqrt")) {
      int64_t index = 2;
      if (eat("[")) {
        Node idx = sum();
        expect("]");
        auto v = evaluate(idx);
        if (!v || !v->exact || !v->q.is_integer() || v->q.num < 2 || v->q.num > 64) error("bad root index");
        index = static_cast<int64_t>(v->q.num);
      }
      Node n = make(NodeKind::kRoot, {braced_or_char()});
      n.root_index = index;
      return n;
    }
    if (eat_cmd("\\pi")) return make(NodeKind::kConstant, {}, "pi");
    if (eat_cmd("\\infty")) return make(NodeKind::kConstant, {}, "inf");
    if (eat_cmd("\\text")) return text_group();
    if (eat_cmd("\\exp")) return function("exp");
    for (const char* f : kFuncs)
      if (eat_cmd(std::string("\\") + f)) return function(f);
    for (const char* g : kGreek)
      if (eat_cmd(std::string("\\") + g)) return make(NodeKind::kVariable, {}, g);
    error("unknown command");
  }

  Node primary() {
    skip();
    if (pos_ >= s_.size()) error("unexpected end");
    const char c = s_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      Node n = number();
      // Mixed number: 3\frac{1}{2} = 3 + 1/2 (an integer followed by a fraction of integers).
      if (!n.decimal_point && peek_cmd("\\frac")) {
        const size_t save = pos_;
        eat_cmd("\\frac");
        Node f = fraction();
        auto a = evaluate(f.kids[0]), b = evaluate(f.kids[1]);
        if (f.kids[0].kind == NodeKind::kNumber && f.kids[1].kind == NodeKind::kNumber && a && b &&
            a->exact && b->exact) {
          return make(NodeKind::kAdd, {std::move(n), std::move(f)});
        }
        pos_ = save;
      }
      return n;
    }
    if (c == '(') return group('(', ')');
    if (c == '[') return group('[', ']');
    if (c == '{') return group('{', '}');
    if (c == '\\') return command();
    if (std::isalpha(static_cast<unsigned char>(c))) return letter();
    error(std::string("unexpected '") + c + "'");
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

ParsedExpr parse_expression(std::string_view text) {
  ParsedExpr out;
  try {
    out.node = Parser(text).parse_all();
  } catch (const ParseError& e) {
    out.error = e.message;
  }
  return out;
}

}  // namespace grpo::math
