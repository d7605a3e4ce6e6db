// The exact rational evaluator behind countdown: values, precedence, and every failure reason.
#include "rewards/arith_expr.h"

#include <gtest/gtest.h>

namespace grpo {
namespace {

TEST(ArithExpr, PrecedenceAndAssociativity) {
  EXPECT_EQ(evaluate_expression("2+3*4").value, (Rational{14, 1}));      // * before +
  EXPECT_EQ(evaluate_expression("(2+3)*4").value, (Rational{20, 1}));
  EXPECT_EQ(evaluate_expression("10-4-3").value, (Rational{3, 1}));      // left to right: (10-4)-3
  EXPECT_EQ(evaluate_expression("64/8/2").value, (Rational{4, 1}));      // (64/8)/2
  EXPECT_EQ(evaluate_expression("1/2+1/3").value, (Rational{5, 6}));     // 3/6 + 2/6
  EXPECT_EQ(evaluate_expression("3-10").value, (Rational{-7, 1}));       // negative results are fine
  EXPECT_EQ(evaluate_expression("6/4").value, (Rational{3, 2}));         // reduced
  EXPECT_EQ(evaluate_expression("2/(1-3)").value, (Rational{-1, 1}));    // sign kept in the numerator
}

TEST(ArithExpr, NumbersAreCollectedInOrder) {
  auto r = evaluate_expression("(25 - 5) * 3 / 10");
  EXPECT_EQ(r.numbers, (std::vector<int64_t>{25, 5, 3, 10}));
  EXPECT_EQ(r.value, (Rational{6, 1}));
}

TEST(ArithExpr, FailureReasons) {
  EXPECT_EQ(evaluate_expression("1/0").status, ExprStatus::kDivisionByZero);
  EXPECT_EQ(evaluate_expression("1/(2-2)").status, ExprStatus::kDivisionByZero);
  EXPECT_EQ(evaluate_expression("2^3").status, ExprStatus::kBadCharacter);
  EXPECT_EQ(evaluate_expression("").status, ExprStatus::kSyntax);
  EXPECT_EQ(evaluate_expression("1+").status, ExprStatus::kSyntax);
  EXPECT_EQ(evaluate_expression("()").status, ExprStatus::kSyntax);
  EXPECT_EQ(evaluate_expression("1)").status, ExprStatus::kSyntax);
  EXPECT_EQ(evaluate_expression("07+1").status, ExprStatus::kSyntax);  // Python rejects leading zeros too
  EXPECT_EQ(evaluate_expression("99999999999999999999").status, ExprStatus::kOverflow);
  // Intermediates are __int128 (max ~1.7014e38): (1e18)^2 = 1e36 fits, (1e18)^3 = 1e54 does not.
  EXPECT_EQ(evaluate_expression("1000000000000000000*1000000000000000000").status, ExprStatus::kOk);
  EXPECT_EQ(evaluate_expression("1000000000000000000*1000000000000000000*1000000000000000000").status,
            ExprStatus::kOverflow);
  EXPECT_EQ(evaluate_expression("5/2*2", /*integer_only=*/true).status, ExprStatus::kNonInteger);
  EXPECT_EQ(evaluate_expression("4/2*2", /*integer_only=*/true).status, ExprStatus::kOk);
}

TEST(ArithExpr, UnicodeOperatorsMapToAscii) {
  EXPECT_EQ(ascii_operators("3×4÷2−1–1⋅1"), "3*4/2-1-1*1");
  EXPECT_EQ(ascii_operators("plain"), "plain");
}

}  // namespace
}  // namespace grpo
