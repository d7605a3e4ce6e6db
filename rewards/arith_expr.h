// Exact evaluation of integer arithmetic expressions — digits, + - * / and parentheses only —
// in rational arithmetic (rewards/math/rational.h: checked __int128 fractions), for the countdown
// reward. No floats anywhere: 1 + 1/1000000 is not 1. Division by zero, overflow (a literal past
// int64, an intermediate past __int128), nesting deeper than kMaxDepth and any other character are
// reported as a reason, never thrown or crashed on.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rewards/math/rational.h"

namespace grpo {

using Rational = math::Rational;  // shared with accuracy_math

enum class ExprStatus {
  kOk,
  kBadCharacter,     // something other than digits, + - * / ( ) and spaces
  kSyntax,           // unbalanced parentheses, missing operand, leading zero, nesting too deep...
  kDivisionByZero,
  kOverflow,         // a literal past int64, or a numerator or denominator past __int128
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
