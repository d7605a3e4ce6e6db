// Checked rationals: exact results computed by hand, and overflow reported instead of wrapped.
#include "rewards/math/rational.h"

#include <gtest/gtest.h>

namespace grpo::math {
namespace {

TEST(Rational, NormalisesSignAndLowestTerms) {
  EXPECT_EQ(Rational::make(6, -8)->str(), "-3/4");
  EXPECT_EQ(Rational::make(0, 5)->str(), "0");
  EXPECT_FALSE(Rational::make(1, 0).has_value());
}

TEST(Rational, ParsesDecimalsExactly) {
  EXPECT_EQ(Rational::parse_decimal("4.50")->str(), "9/2");   // 450/100
  EXPECT_EQ(Rational::parse_decimal("-0.125")->str(), "-1/8");
  EXPECT_EQ(Rational::parse_decimal(".5")->str(), "1/2");
  EXPECT_EQ(Rational::parse_decimal("007")->str(), "7");
  EXPECT_FALSE(Rational::parse_decimal("1.2.3").has_value());
  // 10^40 does not fit in __int128 (max ~1.7e38).
  EXPECT_FALSE(Rational::parse_decimal("10000000000000000000000000000000000000000").has_value());
}

TEST(Rational, Arithmetic) {
  const Rational half{1, 2}, third{1, 3};
  EXPECT_EQ(add(half, third)->str(), "5/6");
  EXPECT_EQ(sub(half, third)->str(), "1/6");
  EXPECT_EQ(mul(half, third)->str(), "1/6");
  EXPECT_EQ(div(half, third)->str(), "3/2");
  EXPECT_FALSE(div(half, Rational{0, 1}).has_value());
  EXPECT_EQ(compare(third, half), -1);
}

TEST(Rational, PowersAndRootsExactOrNothing) {
  EXPECT_EQ(pow_int(Rational{2, 3}, 3)->str(), "8/27");
  EXPECT_EQ(pow_int(Rational{2, 1}, -2)->str(), "1/4");
  EXPECT_EQ(pow_int(Rational{2, 1}, 100)->str(), "1267650600228229401496703205376");  // 2^100
  EXPECT_FALSE(pow_int(Rational{2, 1}, 200).has_value());                              // > 2^127
  EXPECT_FALSE(pow_int(Rational{0, 1}, -1).has_value());
  EXPECT_EQ(exact_root(Rational{8, 27}, 3)->str(), "2/3");
  EXPECT_EQ(exact_root(Rational{-8, 1}, 3)->str(), "-2");
  EXPECT_FALSE(exact_root(Rational{2, 1}, 2).has_value());
  EXPECT_FALSE(exact_root(Rational{-4, 1}, 2).has_value());
}

TEST(Rational, OverflowIsReported) {
  const Int big = static_cast<Int>(1) << 100;
  EXPECT_FALSE(mul(Rational{big, 1}, Rational{big, 1}).has_value());
  EXPECT_FALSE(add(Rational{1, big}, Rational{1, big - 1}).has_value());
}

}  // namespace
}  // namespace grpo::math
