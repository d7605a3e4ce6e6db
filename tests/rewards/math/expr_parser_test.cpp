// The expression parser: precedence, implicit multiplication, LaTeX forms, and clean failures.
// Expected values are computed by hand in the comments.
#include <gtest/gtest.h>

#include "rewards/math/expr.h"

namespace grpo::math {
namespace {

// Exact value of a constant expression as "p/q", or "inexact:<double>", or "error".
std::string value(std::string_view text) {
  ParsedExpr e = parse_expression(text);
  if (!e.node) return "error";
  auto v = evaluate(*e.node);
  if (!v) return "undefined";
  return v->exact ? v->q.str() : "inexact";
}

double approx(std::string_view text) {
  ParsedExpr e = parse_expression(text);
  EXPECT_TRUE(e.node.has_value()) << text << ": " << e.error;
  auto v = evaluate(*e.node);
  EXPECT_TRUE(v.has_value()) << text;
  return v ? v->d : 0.0;
}

TEST(ExprParser, PrecedenceAndSigns) {
  EXPECT_EQ(value("2+3\\cdot 4"), "14");
  EXPECT_EQ(value("(2+3)\\cdot 4"), "20");
  EXPECT_EQ(value("-1^{2}"), "-1");   // -(1^2)
  EXPECT_EQ(value("(-1)^{2}"), "1");
  EXPECT_EQ(value("2^10"), "1024");   // digits of a bare exponent stay together
  EXPECT_EQ(value("2^{-2}"), "1/4");
  EXPECT_EQ(value("6 \\div 3 \\times 2"), "4");  // left to right: (6/3)*2
  EXPECT_EQ(value("-(-3)"), "3");
}

TEST(ExprParser, Fractions) {
  EXPECT_EQ(value("\\frac{6}{8}"), "3/4");
  EXPECT_EQ(value("\\frac12"), "1/2");
  EXPECT_EQ(value("7/2"), "7/2");
  EXPECT_EQ(value("3\\frac{1}{2}"), "7/2");      // mixed number 3 + 1/2
  EXPECT_EQ(value("\\frac{1}{2}+\\frac{1}{3}"), "5/6");
  EXPECT_EQ(value("\\frac{1}{0}"), "undefined");
}

TEST(ExprParser, RootsExactWhenPerfect) {
  EXPECT_EQ(value("\\sqrt{16}"), "4");
  EXPECT_EQ(value("\\sqrt[3]{27}"), "3");
  EXPECT_EQ(value("\\sqrt{\\frac{1}{4}}"), "1/2");
  EXPECT_EQ(value("4^{1/2}"), "2");
  EXPECT_EQ(value("\\sqrt{2}"), "inexact");
  EXPECT_NEAR(approx("2\\sqrt{3}"), 3.4641016151377544, 1e-15);  // implicit product
  EXPECT_NEAR(approx("\\sqrt2"), 1.4142135623730951, 1e-15);
  EXPECT_EQ(value("\\sqrt{-4}"), "undefined");
}

TEST(ExprParser, ConstantsAndScientificNotation) {
  EXPECT_NEAR(approx("3\\pi"), 9.42477796076938, 1e-14);
  EXPECT_NEAR(approx("e^{2}"), 7.38905609893065, 1e-13);
  EXPECT_EQ(value("1.2e3"), "1200");
  EXPECT_EQ(value("2.5e-3"), "1/400");
  EXPECT_EQ(value("1.2 \\times 10^{3}"), "1200");
  EXPECT_EQ(value("6.02 \\times 10^{23}"), "602000000000000000000000");
}

TEST(ExprParser, PercentFactorialBinomLog) {
  EXPECT_EQ(value("50%"), "1/2");
  EXPECT_EQ(value("5!"), "120");
  EXPECT_EQ(value("\\binom{6}{3}"), "20");  // 6*5*4 / 3!
  EXPECT_EQ(value("\\log_{2}{8}"), "3");
  EXPECT_EQ(value("\\log(100)"), "2");
  EXPECT_NEAR(approx("\\sin(\\pi/6)"), 0.5, 1e-15);
}

TEST(ExprParser, LiteralKinds) {
  auto kind = [](std::string_view t) { return literal_kind(*parse_expression(t).node); };
  EXPECT_EQ(kind("7"), LiteralKind::kInteger);
  EXPECT_EQ(kind("-7"), LiteralKind::kInteger);
  EXPECT_EQ(kind("0.5"), LiteralKind::kFloat);
  EXPECT_EQ(kind("\\frac{1}{2}"), LiteralKind::kRational);
  EXPECT_EQ(kind("50%"), LiteralKind::kInteger);
  EXPECT_EQ(kind("12.5%"), LiteralKind::kFloat);
  EXPECT_EQ(kind("10^{3}"), LiteralKind::kNone);
  EXPECT_EQ(*percent_base(*parse_expression("50%").node), Rational::integer(50));
}

TEST(ExprParser, VariablesAndText) {
  ParsedExpr e = parse_expression("(x-1)(x+1)");
  ASSERT_TRUE(e.node);
  VarValues at3{{"x", 3.0}};
  EXPECT_DOUBLE_EQ(evaluate(*e.node, &at3)->d, 8.0);  // (3-1)(3+1)
  EXPECT_FALSE(evaluate(*e.node).has_value());         // unbound x
  EXPECT_EQ(letters_of(*parse_expression("yes").node), "yes");
  EXPECT_EQ(letters_of(*parse_expression("B").node), "b");
  EXPECT_EQ(parse_expression("\\text{Monday}").node->kind, NodeKind::kText);
  EXPECT_EQ(evaluate(*parse_expression("\\text{5}").node)->q.str(), "5");
}

TEST(ExprParser, FailsCleanly) {
  EXPECT_FALSE(parse_expression("1,2").node.has_value());
  EXPECT_FALSE(parse_expression("\\frac{1}{").node.has_value());
  EXPECT_FALSE(parse_expression("\\unknowncommand").node.has_value());
  EXPECT_FALSE(parse_expression(std::string(5000, '(')).node.has_value());  // depth limit, no crash
  EXPECT_FALSE(parse_expression("").node.has_value());
}

}  // namespace
}  // namespace grpo::math
