// Exact evaluation of integer arithmetic expressions — digits, + - * / and parentheses only —
// in rational arithmetic (int64 numerator/denominator, reduced), for the countdown reward.
// No floats anywhere: 1 + 1/1000000 is not 1. Division by zero, int64 overflow, nesting deeper
// than kMaxDepth and any other character are reported as a reason, never thrown or crashed on.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grpo {

struct Rational {
  int64_t num = 0;
  int64_t den = 1;  // > 0, gcd(num, den) == 1
  bool operator==(const Rational&) const = default;
  bool is_integer() const { return den == 1; }
  std::string str() const;  // "7" or "-7/2"
};

enum class ExprStatus {
  kOk,
  kBadCharacter,     // something other than digits, + - * / ( ) and spaces
  kSyntax,           // unbalanced parentheses, missing operand, leading zero, nesting too deep...
  kDivisionByZero,
  kOverflow,         // a numerator or denominator left int64
  kNonInteger,       // an intermediate result was not an integer (only with integer_only)
};
const char* expr_status_name(ExprStatus s);  // "ok", "bad_character", ...

struct ExprResult {
  ExprStatus status = ExprStatus::kOk;
  Rational value;
  std::vector<int64_t> numbers;  // the literals, in order of appearance (filled even on error)
  std::string message;           // for kBadCharacter / kSyntax: what and where
};

constexpr int kMaxExprDepth = 64;

// Unary minus/plus is not part of the grammar (countdown combines the given numbers with binary
// operators only). `integer_only` rejects any non-integer intermediate (classic Countdown rules);
// TinyZero allows them (Python's true division), and so does the default.
ExprResult evaluate_expression(std::string_view text, bool integer_only = false);

// Replaces × · (U+00D7, U+22C5) by *, ÷ (U+00F7) by /, and − – (U+2212, U+2013) by -.
std::string ascii_operators(std::string_view text);

}  // namespace grpo
