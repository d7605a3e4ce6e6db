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
  EXPECT_NE(shape("\\begin{pmatrix}1\\end{pmatrix}").find("error"), std::string::npos);
}

}  // namespace
}  // namespace grpo::math
