// Recursive-descent evaluator over exact rationals:
//   expr   := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := integer | '(' expr ')'
// Arithmetic is rewards/math/rational.h's (checked, reduced __int128 fractions).
#include "rewards/arith_expr.h"

#include <fmt/format.h>

#include <optional>

namespace grpo {
namespace {

using i128 = __int128;

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
    std::optional<Rational> v;
    switch (op) {
      case '+': v = math::add(a, b); break;
      case '-': v = math::sub(a, b); break;
      case '*': v = math::mul(a, b); break;
      default:
        if (b.num == 0) return error(ExprStatus::kDivisionByZero, fmt::format("{} / 0", a.str()));
        v = math::div(a, b);
        break;
    }
    if (!v) return error(ExprStatus::kOverflow, fmt::format("{} {} {} overflows", a.str(), op, b.str()));
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
    return Rational::integer(value);
  }

  std::string_view s_;
  bool integer_only_;
  ExprResult& r_;
  size_t pos_ = 0;
};

}  // namespace


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
