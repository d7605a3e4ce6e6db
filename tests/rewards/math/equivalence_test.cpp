// Equivalence rules, each with the math-verify behaviour it mirrors (grader.py) in a comment.
#include "rewards/math/equivalence.h"

#include <gtest/gtest.h>

namespace grpo::math {
namespace {

bool eq(std::string_view gold, std::string_view pred) {
  ParsedAnswer g = parse_answer(gold), p = parse_answer(pred);
  EXPECT_TRUE(g.value && p.value) << gold << " | " << pred;
  if (!g.value || !p.value) return false;
  return equivalent(*g.value, *p.value, EquivalenceOptions{}).equal;
}

TEST(Equivalence, FloatsRoundToSixDecimals) {
  EXPECT_TRUE(eq("\\frac{1}{3}", "0.333333"));   // round(1/3, 6) = 0.333333
  EXPECT_FALSE(eq("\\frac{1}{3}", "0.333"));
  EXPECT_FALSE(eq("\\frac{2}{3}", "0.666666"));  // round(2/3, 6) = 0.666667
  EXPECT_TRUE(eq("\\sqrt{2}", "1.414214"));
  EXPECT_FALSE(eq("\\pi", "3.14"));
  EXPECT_TRUE(eq("5", "5.0"));                   // equal value
  EXPECT_FALSE(eq("5", "5.0000001"));            // an integer is never rounded (sympy Integer != Float)
  EXPECT_TRUE(eq("0.1", "0.1000004"));
  EXPECT_FALSE(eq("0.1", "0.1000006"));
}

TEST(Equivalence, ExactRationalsAndIrrationals) {
  EXPECT_TRUE(eq("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}"));
  EXPECT_TRUE(eq("2\\sqrt{3}", "\\sqrt{12}"));
  EXPECT_FALSE(eq("2\\sqrt{3}", "3\\sqrt{2}"));  // 3.464 vs 4.243
  EXPECT_TRUE(eq("10^{3}", "1000"));
  EXPECT_TRUE(eq("-0", "0"));
  EXPECT_FALSE(eq("12345678901234567890", "12345678901234567891"));  // exact in __int128
}

TEST(Equivalence, Percentages) {
  EXPECT_TRUE(eq("50%", "0.5"));   // 50/100 as a value
  EXPECT_TRUE(eq("50%", "50"));    // math-verify: "9% == 9" by integer comparison
  EXPECT_FALSE(eq("50", "0.5"));
  EXPECT_FALSE(eq("12.5%", "12.5"));  // a float percentage compares by value only
}

TEST(Equivalence, StructuresFollowMathVerify) {
  EXPECT_FALSE(eq("(1,2)", "[1,2]"));      // open vs closed ends
  EXPECT_TRUE(eq("\\{1,2\\}", "\\{2,1\\}"));  // sets ignore order
  EXPECT_FALSE(eq("(1,2,3)", "(3,2,1)"));  // tuples keep it
  EXPECT_TRUE(eq("(1,2)", "1, 2"));        // an open interval may be the point (1, 2)
  EXPECT_FALSE(eq("(1,2)", "2, 1"));
  EXPECT_TRUE(eq("1, 2, 3", "(3,2,1)"));   // a gold list is a set
  EXPECT_TRUE(eq("5", "\\{5\\}"));         // a scalar is a one-element set
  EXPECT_TRUE(eq("5", "5, 5"));            // {5, 5} = {5}
  EXPECT_TRUE(eq("[0,1)\\cup(2,3]", "(2,3]\\cup[0,1)"));
}

TEST(Equivalence, RelationsFollowTheGoldForm) {
  EXPECT_TRUE(eq("x=5", "5"));
  EXPECT_TRUE(eq("5", "x=5"));
  EXPECT_FALSE(eq("x=5", "y=5"));
  EXPECT_TRUE(eq("y=2x+3", "y=3+2x"));
  EXPECT_FALSE(eq("2x+3=7", "2"));  // not an assignment: no unwrapping
  EXPECT_TRUE(eq("x \\in [1,2]", "[1,2]"));
}

TEST(Equivalence, MatricesAndInequalities) {
  EXPECT_TRUE(eq("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}"));
  EXPECT_FALSE(eq("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}"));
  EXPECT_FALSE(eq("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 1 & 2 \\end{pmatrix}"));  // 2x1 vs 1x2
  EXPECT_FALSE(eq("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1, 2)"));
  EXPECT_TRUE(eq("x > 5", "5 < x"));            // flipped: x - 5 = -(5 - x)
  EXPECT_FALSE(eq("x < 3", "x \\le 3"));
  EXPECT_TRUE(eq("x > 5", "(5, \\infty)"));   // gold inequality as an interval
  EXPECT_FALSE(eq("x > 5", "[5, \\infty)"));
  EXPECT_FALSE(eq("(5, \\infty)", "x > 5"));  // not the other way (allow_set_relation_comp = False)
}

TEST(Equivalence, VariablesTextAndChoices) {
  EXPECT_TRUE(eq("x^2-1", "(x-1)(x+1)"));
  EXPECT_FALSE(eq("(x+1)^2", "x^2+1"));
  EXPECT_TRUE(eq("B", "(B)"));
  EXPECT_TRUE(eq("B", "\\text{(B)}"));
  EXPECT_TRUE(eq("B", "b"));
  EXPECT_FALSE(eq("A", "B"));
  EXPECT_TRUE(eq("\\text{yes}", "yes"));
  EXPECT_FALSE(eq("\\text{yes}", "\\text{no}"));
}

}  // namespace
}  // namespace grpo::math
