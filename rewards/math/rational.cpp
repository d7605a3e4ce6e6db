// Checked __int128 rational arithmetic (see rational.h). Overflow is detected with the GCC/Clang
// __builtin_*_overflow intrinsics, which support __int128.
#include "rewards/math/rational.h"

#include <cmath>

namespace grpo::math {
namespace {

Int gcd(Int a, Int b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    Int t = a % b;
    a = b;
    b = t;
  }
  return a;
}

std::optional<Int> checked_mul(Int a, Int b) {
  Int r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<Int> checked_add(Int a, Int b) {
  Int r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Integer n-th root of v >= 0 when exact.
std::optional<Int> exact_int_root(Int v, int64_t n) {
  if (v < 2) return v;
  double guess = std::pow(static_cast<double>(v), 1.0 / static_cast<double>(n));
  Int base = static_cast<Int>(std::llround(guess));
  for (Int c = base > 1 ? base - 1 : 0; c <= base + 1; ++c) {
    Int p = 1;
    bool overflow = false;
    for (int64_t i = 0; i < n && !overflow; ++i) {
      auto next = checked_mul(p, c);
      if (!next || *next > v) overflow = true;
      else p = *next;
    }
    if (!overflow && p == v) return c;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Rational> Rational::make(Int num, Int den) {
  if (den == 0) return std::nullopt;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  Int g = gcd(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  return Rational{num, den};
}

std::optional<Rational> Rational::parse_decimal(std::string_view text) {
  bool negative = false;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  Int num = 0, den = 1;
  bool seen_dot = false, seen_digit = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !seen_dot) {
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    seen_digit = true;
    auto n = checked_mul(num, 10);
    if (!n) return std::nullopt;
    auto s = checked_add(*n, c - '0');
    if (!s) return std::nullopt;
    num = *s;
    if (seen_dot) {
      auto d = checked_mul(den, 10);
      if (!d) return std::nullopt;
      den = *d;
    }
  }
  if (!seen_digit) return std::nullopt;
  return make(negative ? -num : num, den);
}

double Rational::to_double() const { return static_cast<double>(num) / static_cast<double>(den); }

std::string Rational::str() const {
  auto int_str = [](Int v) {
    if (v == 0) return std::string("0");
    const bool neg = v < 0;
    std::string s;
    while (v != 0) {
      int digit = static_cast<int>(v % 10);
      s.insert(s.begin(), static_cast<char>('0' + (digit < 0 ? -digit : digit)));
      v /= 10;
    }
    return neg ? "-" + s : s;
  };
  return den == 1 ? int_str(num) : int_str(num) + "/" + int_str(den);
}

std::optional<Rational> add(const Rational& a, const Rational& b) {
  auto x = checked_mul(a.num, b.den), y = checked_mul(b.num, a.den), d = checked_mul(a.den, b.den);
  if (!x || !y || !d) return std::nullopt;
  auto n = checked_add(*x, *y);
  if (!n) return std::nullopt;
  return Rational::make(*n, *d);
}

std::optional<Rational> sub(const Rational& a, const Rational& b) { return add(a, Rational{-b.num, b.den}); }

std::optional<Rational> mul(const Rational& a, const Rational& b) {
  // Cross-reduce first so that products stay small.
  Int g1 = gcd(a.num, b.den), g2 = gcd(b.num, a.den);
  if (g1 == 0) g1 = 1;
  if (g2 == 0) g2 = 1;
  auto n = checked_mul(a.num / g1, b.num / g2), d = checked_mul(a.den / g2, b.den / g1);
  if (!n || !d) return std::nullopt;
  return Rational::make(*n, *d);
}

std::optional<Rational> div(const Rational& a, const Rational& b) {
  if (b.num == 0) return std::nullopt;
  return mul(a, Rational{b.num < 0 ? -b.den : b.den, b.num < 0 ? -b.num : b.num});
}

std::optional<Rational> pow_int(const Rational& a, int64_t e) {
  if (e > 4096 || e < -4096) return std::nullopt;
  Rational base = a;
  if (e < 0) {
    if (a.num == 0) return std::nullopt;
    base = *Rational::make(a.den, a.num);
    e = -e;
  }
  Rational r = Rational::integer(1);
  for (int64_t i = 0; i < e; ++i) {
    auto next = mul(r, base);
    if (!next) return std::nullopt;
    r = *next;
  }
  return r;
}

std::optional<Rational> exact_root(const Rational& a, int64_t n) {
  if (n < 2 || n > 64) return std::nullopt;
  if (a.num < 0 && n % 2 == 0) return std::nullopt;
  const Int sign = a.num < 0 ? -1 : 1;
  auto p = exact_int_root(a.num * sign, n), q = exact_int_root(a.den, n);
  if (!p || !q) return std::nullopt;
  return Rational::make(*p * sign, *q);
}

int compare(const Rational& a, const Rational& b) {
  auto d = sub(a, b);
  if (d) return d->num < 0 ? -1 : (d->num > 0 ? 1 : 0);
  const double x = a.to_double(), y = b.to_double();
  return x < y ? -1 : (x > y ? 1 : 0);
}

}  // namespace grpo::math
