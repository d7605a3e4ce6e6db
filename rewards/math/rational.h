// Exact rationals for the math accuracy reward: __int128 numerator/denominator in lowest terms,
// with every operation checked for overflow (std::nullopt instead of a wrong value, so the caller
// falls back to double comparison). Used by rewards/math/expr_eval.cpp. Pure, torch-free.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace grpo::math {

using Int = __int128;

struct Rational {
  Int num = 0;
  Int den = 1;  // > 0, gcd(num, den) == 1

  static std::optional<Rational> make(Int num, Int den);  // normalises; nullopt when den == 0
  static Rational integer(Int n) { return Rational{n, 1}; }
  // Parses "123", "-4.50" exactly (4.50 -> 9/2); nullopt on overflow or bad text.
  static std::optional<Rational> parse_decimal(std::string_view text);

  bool is_integer() const { return den == 1; }
  double to_double() const;
  std::string str() const;  // "3/4", "-2"
  bool operator==(const Rational&) const = default;
};

std::optional<Rational> add(const Rational& a, const Rational& b);
std::optional<Rational> sub(const Rational& a, const Rational& b);
std::optional<Rational> mul(const Rational& a, const Rational& b);
std::optional<Rational> div(const Rational& a, const Rational& b);  // nullopt when b == 0
// a^e for an integer exponent |e| <= 4096; nullopt on overflow or 0^negative.
std::optional<Rational> pow_int(const Rational& a, int64_t e);
// The exact n-th root when num and den are perfect n-th powers (n >= 2), else nullopt.
std::optional<Rational> exact_root(const Rational& a, int64_t n);
int compare(const Rational& a, const Rational& b);  // -1, 0, 1 (exact, no overflow)

}  // namespace grpo::math
