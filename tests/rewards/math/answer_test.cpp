// Structure parsing: which written forms become intervals, tuples, sets and relations.
#include "rewards/math/answer.h"

#include <gtest/gtest.h>

namespace grpo::math {
namespace {

std::string shape(std::string_view text) {
  ParsedAnswer a = parse_answer(text);
  return a.value ? describe(*a.value) : "error: " + a.error;
}

TEST(Answer, IntervalsAndTuples) {
  EXPECT_EQ(shape("(1,2)"), "interval(1, 2)");
  EXPECT_EQ(shape("[1,2)"), "interval[1, 2)");
  EXPECT_EQ(shape("(2,1)"), "tuple(2, 1)");  // start > end: a point, as in math-verify
  EXPECT_EQ(shape("(1,2,3)"), "tuple(1, 2, 3)");
  EXPECT_EQ(shape("(-\\infty, 2]"), "interval(-inf, 2]");
  EXPECT_EQ(shape("[0,1)\\cup(2,3]"), "union{interval[0, 1), interval(2, 3]}");
}

TEST(Answer, SetsListsAndGrouping) {
  EXPECT_EQ(shape("\\{2,1\\}"), "set{2, 1}");
  EXPECT_EQ(shape("1, 2"), "list{1, 2}");
  EXPECT_EQ(shape("\\pm 2"), "set{2, -2}");
  EXPECT_EQ(shape("(5)"), "5");
  EXPECT_EQ(shape("\\varnothing"), "set{}");
}

TEST(Answer, Relations) {
  ParsedAnswer a = parse_answer("x = 3+2 = 5");
  ASSERT_TRUE(a.value);
  EXPECT_EQ(a.value->kind, AnswerKind::kRelation);
  EXPECT_TRUE(a.value->assignment);
  EXPECT_EQ(describe(*a.value), "x = 5");  // first lhs, last rhs
  a = parse_answer("2x+3=7");
  ASSERT_TRUE(a.value);
  EXPECT_FALSE(a.value->assignment);
  EXPECT_EQ(shape("x \\in [1,2]"), "x = interval[1, 2]");
  EXPECT_EQ(shape("x=1, y=2"), "list{x = 1, y = 2}");
}

TEST(Answer, Errors) {
  EXPECT_EQ(shape(""), "error: empty answer");
  EXPECT_NE(shape("0.\\overline{3}").find("error"), std::string::npos);
  EXPECT_NE(shape("\\begin{pmatrix}1 & 2 \\\\ 3\\end{pmatrix}").find("ragged"), std::string::npos);
}

TEST(Answer, MatricesAndInequalities) {
  EXPECT_EQ(shape("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"), "matrix[tuple(1, 2), tuple(3, 4)]");
  EXPECT_EQ(shape("\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}"), "matrix[tuple(1), tuple(2)]");
  EXPECT_EQ(shape("1 \\le x < 2"), "1 <= x < 2");
  auto interval = [](std::string_view text) {
    auto a = parse_answer(text);
    auto iv = inequality_as_interval(*a.value);
    return iv ? describe(*iv) : std::string("none");
  };
  EXPECT_EQ(interval("x > 5"), "interval(5, inf)");
  EXPECT_EQ(interval("x \\ge 5"), "interval[5, inf)");
  EXPECT_EQ(interval("5 \\ge x"), "interval(-inf, 5]");
  EXPECT_EQ(interval("1 \\le x < 2"), "interval[1, 2)");
  EXPECT_EQ(interval("3 > x > 1"), "interval(1, 3)");
  EXPECT_EQ(interval("x < 1 < y"), "none");   // two variables
  EXPECT_EQ(interval("1 < x > 0"), "none");   // mixed directions
}

}  // namespace
}  // namespace grpo::math
