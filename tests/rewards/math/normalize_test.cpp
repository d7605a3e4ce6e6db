// Answer normalisation, one rule per expectation (the expected strings are written by hand).
#include "rewards/math/normalize.h"

#include <gtest/gtest.h>

namespace grpo::math {
namespace {

TEST(Normalize, LatexSpellings) {
  EXPECT_EQ(normalize_answer("\\left( \\dfrac{1}{2}, 3 \\right)"), "( \\frac{1}{2}, 3 )");
  EXPECT_EQ(normalize_answer("\\tfrac{3}{4}"), "\\frac{3}{4}");
  EXPECT_EQ(normalize_answer("$\\displaystyle 5$"), "5");
  EXPECT_EQ(normalize_answer("\\$5"), "5");
  EXPECT_EQ(normalize_answer("\\textbf{(C)}"), "\\text{(C)}");
  EXPECT_EQ(normalize_answer("\\mathrm{C}"), "\\text{C}");
  EXPECT_EQ(normalize_answer("\\emptyset"), "\\varnothing");
}

TEST(Normalize, DegreesPercentPeriod) {
  EXPECT_EQ(normalize_answer("90^\\circ"), "90");
  EXPECT_EQ(normalize_answer("90^{\\circ}"), "90");
  EXPECT_EQ(normalize_answer("50\\%"), "50%");
  EXPECT_EQ(normalize_answer("40 percent"), "40%");
  EXPECT_EQ(normalize_answer("5."), "5");
  EXPECT_EQ(normalize_answer("0.5"), "0.5");  // a decimal point is not a sentence end
}

TEST(Normalize, Units) {
  EXPECT_EQ(strip_units("10 \\text{ cm}"), "10");
  EXPECT_EQ(strip_units("20 \\text{ cm}^2"), "20");
  EXPECT_EQ(strip_units("12 inches"), "12");
  EXPECT_EQ(strip_units("3 hours"), "3");
  EXPECT_EQ(strip_units("\\text{yes}"), "\\text{yes}");  // nothing would remain
  EXPECT_EQ(strip_units("2x"), "2x");                    // x is not a unit
  EXPECT_EQ(normalize_answer("\\$8.50 \\mbox{ dollars}"), "8.50");
}

TEST(Normalize, ThousandsSeparators) {
  EXPECT_EQ(strip_thousands_separators("1,234,567"), "1234567");
  EXPECT_EQ(strip_thousands_separators("10\\,000"), "10000");
  EXPECT_EQ(strip_thousands_separators("10{,}000"), "10000");
  EXPECT_EQ(strip_thousands_separators("1,000.5"), "1000.5");
  EXPECT_EQ(strip_thousands_separators("1,2"), "1,2");          // a list
  EXPECT_EQ(strip_thousands_separators("1, 000"), "1, 000");    // a list
  EXPECT_EQ(strip_thousands_separators("1234,567"), "1234,567");  // first group > 3 digits
  EXPECT_EQ(strip_thousands_separators("1,2345"), "1,2345");
  EXPECT_EQ(normalize_answer("11,\\! 111"), "11111");  // MATH's spelling of 11111
}

TEST(Normalize, ListWords) {
  EXPECT_EQ(normalize_answer("3 and 5"), "3, 5");
  EXPECT_EQ(normalize_answer("3 \\text{ and } 5"), "3 , 5");
  EXPECT_EQ(normalize_answer("x \\in [1,2]"), "x \\in [1,2]");  // \in is kept for answer.cpp
}

}  // namespace
}  // namespace grpo::math
