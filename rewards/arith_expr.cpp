// Recursive-descent evaluator over exact rationals:
//   expr   := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := integer | '(' expr ')'
// Intermediate products use __int128 and are reduced by the gcd before narrowing back to int64.
#include "rewards/arith_expr.h"

#include <fmt/format.h>

#include <optional>

namespace grpo {
namespace {

using i128 = __int128;

i128 gcd128(i128 a, i128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    const i128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// Reduces n/d (d != 0) and narrows to int64; nullopt on overflow.
std::optional<Rational> make_rational(i128 n, i128 d) {
  if (d < 0) n = -n, d = -d;
  const i128 g = gcd128(n, d);
  if (g > 1) n /= g, d /= g;
  constexpr i128 kMax = INT64_MAX, kMin = INT64_MIN;
  if (n > kMax || n < kMin || d > kMax) return std::nullopt;
  return Rational{static_cast<int64_t>(n), static_cast<int64_t>(d)};
}

class Parser {
 public:
  Parser(std::string_view text, bool integer_only, ExprResult& result)
      : s_(text), integer_only_(integer_only), r_(result) {}

  void run() {
    skip_spaces();
    std::optional<Rational> v = expr(0);
    skip_spaces();
    if (v && pos_ != s_.size()) v = error(ExprStatus::kSyntax, fmt::format("unexpected '{}' at {}", s_[pos_], pos_));
    if (v) r_.value = *v;
  }

 private:
  std::nullopt_t error(ExprStatus status, std::string message) {
    if (r_.status == ExprStatus::kOk) {
      r_.status = status;
      r_.message = std::move(message);
    }
    return std::nullopt;
  }
  void skip_spaces() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    skip_spaces();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<Rational> apply(char op, Rational a, Rational b) {
    i128 n = 0, d = 1;
    switch (op) {
      case '+': n = i128(a.num) * b.den + i128(b.num) * a.den, d = i128(a.den) * b.den; break;
      case '-': n = i128(a.num) * b.den - i128(b.num) * a.den, d = i128(a.den) * b.den; break;
      case '*': n = i128(a.num) * b.num, d = i128(a.den) * b.den; break;
      case '/':
        if (b.num == 0) return error(ExprStatus::kDivisionByZero, fmt::format("{} / 0", a.str()));
        n = i128(a.num) * b.den, d = i128(a.den) * b.num;
        break;
    }
    auto v = make_rational(n, d);
    if (!v) return error(ExprStatus::kOverflow, fmt::format("{} {} {} leaves int64", a.str(), op, b.str()));
    if (integer_only_ && !v->is_integer())
      return error(ExprStatus::kNonInteger, fmt::format("{} {} {} = {}", a.str(), op, b.str(), v->str()));
    return v;
  }

  std::optional<Rational> expr(int depth) {
    auto left = term(depth);
    while (left) {
      skip_spaces();
      if (pos_ >= s_.size() || (s_[pos_] != '+' && s_[pos_] != '-')) break;
      const char op = s_[pos_++];
      auto right = term(depth);
      if (!right) return std::nullopt;
      left = apply(op, *left, *right);
    }
    return left;
  }

  std::optional<Rational> term(int depth) {
    auto left = factor(depth);
    while (left) {
      skip_spaces();
      if (pos_ >= s_.size() || (s_[pos_] != '*' && s_[pos_] != '/')) break;
      const char op = s_[pos_++];
      auto right = factor(depth);
      if (!right) return std::nullopt;
      left = apply(op, *left, *right);
    }
    return left;
  }

  std::optional<Rational> factor(int depth) {
    skip_spaces();
    if (eat('(')) {
      if (depth + 1 > kMaxExprDepth) return error(ExprStatus::kSyntax, "parentheses nested too deeply");
      auto v = expr(depth + 1);
      if (!v) return std::nullopt;
      if (!eat(')')) return error(ExprStatus::kSyntax, fmt::format("missing ')' at {}", pos_));
      return v;
    }
    if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9')
      return error(ExprStatus::kSyntax, pos_ >= s_.size() ? std::string("expression ends where a number is expected")
                                                          : fmt::format("expected a number at {}", pos_));
    const size_t start = pos_;
    i128 value = 0;
    bool overflow = false;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      value = value * 10 + (s_[pos_++] - '0');
      overflow = overflow || value > INT64_MAX;
      if (overflow) value = 0;  // keep scanning digits; the value is unusable anyway
    }
    if (pos_ - start > 1 && s_[start] == '0')
      return error(ExprStatus::kSyntax, fmt::format("number with a leading zero at {}", start));
    if (overflow) return error(ExprStatus::kOverflow, "a number leaves int64");
    return Rational{static_cast<int64_t>(value), 1};
  }

  std::string_view s_;
  bool integer_only_;
  ExprResult& r_;
  size_t pos_ = 0;
};

}  // namespace

std::string Rational::str() const { return den == 1 ? fmt::format("{}", num) : fmt::format("{}/{}", num, den); }

const char* expr_status_name(ExprStatus s) {
  switch (s) {
    case ExprStatus::kOk: return "ok";
    case ExprStatus::kBadCharacter: return "bad_character";
    case ExprStatus::kSyntax: return "syntax";
    case ExprStatus::kDivisionByZero: return "division_by_zero";
    case ExprStatus::kOverflow: return "overflow";
    case ExprStatus::kNonInteger: return "non_integer_intermediate";
  }
  return "?";
}

ExprResult evaluate_expression(std::string_view text, bool integer_only) {
  ExprResult r;
  // Literals first (TinyZero checks the numbers before evaluating), and the character set.
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      size_t j = i;
      i128 v = 0;
      while (j < text.size() && text[j] >= '0' && text[j] <= '9' && v <= INT64_MAX) v = v * 10 + (text[j++] - '0');
      while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
      r.numbers.push_back(v > INT64_MAX ? INT64_MAX : static_cast<int64_t>(v));
      i = j;
      continue;
    }
    if (std::string_view("+-*/() \t\r\n").find(c) == std::string_view::npos && r.status == ExprStatus::kOk) {
      r.status = ExprStatus::kBadCharacter;
      const auto byte = static_cast<unsigned char>(c);
      r.message = byte >= 0x20 && byte < 0x7f ? fmt::format("character '{}' at byte {} is not allowed", c, i)
                                              : fmt::format("byte 0x{:02x} at {} is not allowed", byte, i);
    }
    ++i;
  }
  if (r.status != ExprStatus::kOk) return r;
  Parser(text, integer_only, r).run();
  return r;
}

std::string ascii_operators(std::string_view text) {
  struct Map {
    std::string_view from;
    char to;
  };
  static constexpr Map kMaps[] = {
      {"\u00d7", '*'}, {"\u22c5", '*'}, {"\u00f7", '/'}, {"\u2212", '-'}, {"\u2013", '-'},
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    bool mapped = false;
    for (const auto& m : kMaps) {
      if (text.substr(i, m.from.size()) == m.from) {
        out.push_back(m.to);
        i += m.from.size();
        mapped = true;
        break;
      }
    }
    if (!mapped) out.push_back(text[i++]);
  }
  return out;
}

}  // namespace grpo
