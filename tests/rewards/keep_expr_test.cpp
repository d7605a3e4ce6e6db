// Keep expressions: precedence (checked through the fully parenthesised form and through truth
// tables worked out by hand), typing, every column, and errors that name the column and the name.
#include "rewards/keep_expr.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace grpo {
namespace {

const std::vector<std::string> kLabels = {"accuracy_math", "format", "language_consistency", "my-label"};

KeepExpr parse(const std::string& text) { return KeepExpr::parse(text, kLabels); }

std::string parse_error(const std::string& text) {
  return test::error_of([&] { KeepExpr::parse(text, kLabels); });
}

// scores = {accuracy_math, format, language_consistency, my-label}
bool eval(const std::string& text, std::vector<double> scores, double reward = 0, int64_t tokens = 10,
          const char* finish = "stop") {
  return parse(text).matches(KeepSample{scores, reward, tokens, finish});
}

TEST(KeepExpr, PrecedenceAndGrouping) {
  // && binds tighter than ||; comparisons tighter than both; ! looser than a comparison.
  EXPECT_EQ(parse("accuracy_math == 1 || format >= 1 && tokens < 5").str(),
            "((accuracy_math == 1) || ((format >= 1) && (tokens < 5)))");
  EXPECT_EQ(parse("(accuracy_math == 1 || format >= 1) && tokens < 5").str(),
            "(((accuracy_math == 1) || (format >= 1)) && (tokens < 5))");
  EXPECT_EQ(parse("!tokens > 5 && !!true").str(), "(!(tokens > 5) && !!true)");
  EXPECT_EQ(parse("format > 0 || format > 1 || format > 2").str(),
            "(((format > 0) || (format > 1)) || (format > 2))");  // left-associative
  EXPECT_EQ(parse("finish_reason != 'length'").str(), "(finish_reason != \"length\")");
  EXPECT_EQ(parse("`my-label` <= -0.5").str(), "(my-label <= -0.5)");
  EXPECT_EQ(parse("(tokens > 1) == (reward > 1)").str(), "((tokens > 1) == (reward > 1))");
}

TEST(KeepExpr, TruthTables) {
  // a = accuracy_math == 1, f = format >= 1, t = tokens < 5.  a || f && t:
  //   a=0 f=1 t=0 -> 0 || (1 && 0) = 0;   a=1 f=0 t=0 -> 1;   a=0 f=1 t=1 -> 1
  // and with (a || f) && t, a=1 f=0 t=0 -> 0 (what the other grouping would give).
  const std::string e = "accuracy_math == 1 || format >= 1 && tokens < 5";
  EXPECT_FALSE(eval(e, {0, 1, 0, 0}, 0, 9));
  EXPECT_TRUE(eval(e, {1, 0, 0, 0}, 0, 9));
  EXPECT_TRUE(eval(e, {0, 1, 0, 0}, 0, 4));
  EXPECT_FALSE(eval("(accuracy_math == 1 || format >= 1) && tokens < 5", {1, 0, 0, 0}, 0, 9));
  // The example: 1 && 1 && 0.95 > 0.9 -> kept; 0.9 > 0.9 is false -> dropped.
  const std::string ex = "accuracy_math == 1 && format >= 1 && language_consistency > 0.9";
  EXPECT_TRUE(eval(ex, {1, 1, 0.95, 0}));
  EXPECT_FALSE(eval(ex, {1, 1, 0.9, 0}));
  EXPECT_FALSE(eval(ex, {0.1, 1, 1, 0}));  // countdown's 0.1 for a wrong answer is not 1
  // ! of a comparison; double negation.
  EXPECT_TRUE(eval("!tokens > 5", {0, 0, 0, 0}, 0, 5));
  EXPECT_FALSE(eval("!tokens > 5", {0, 0, 0, 0}, 0, 6));
  EXPECT_FALSE(eval("!!false", {0, 0, 0, 0}));
}

TEST(KeepExpr, EveryColumnAndOperator) {
  const std::vector<double> s = {1, 0.5, 0.25, -1};
  EXPECT_TRUE(eval("reward == 1.5", s, 1.5));
  EXPECT_TRUE(eval("reward != 1.5", s, 1.25));
  EXPECT_TRUE(eval("tokens <= 10 && tokens >= 10 && tokens > 9 && tokens < 11", s, 0, 10));
  EXPECT_TRUE(eval("finish_reason == \"length\"", s, 0, 10, "length"));
  EXPECT_FALSE(eval("finish_reason == \"length\"", s, 0, 10, "stop"));
  EXPECT_TRUE(eval("finish_reason != \"len\\\"gth\"", s, 0, 10, "length"));  // escaped quote in a string
  EXPECT_TRUE(eval("format == .5 && language_consistency == 2.5e-1 && `my-label` == -1", s));
  EXPECT_TRUE(eval("my-label == -1 && my-label<-0.5", s));  // '-' inside a name, and '<-0.5' is '<' then -0.5
  EXPECT_TRUE(eval("(format > 0) == (accuracy_math > 0)", s));
  EXPECT_TRUE(eval("true", s));
  EXPECT_TRUE(eval("  accuracy_math>=+1&&format<1 ", s));  // no spaces needed
}

TEST(KeepExpr, BuiltinsWinOverLabelsUnlessBackquoted) {
  const std::vector<std::string> labels = {"reward", "tokens"};
  const std::vector<double> scores = {7, 8};
  const KeepSample s{scores, 1.0, 3, "stop"};
  EXPECT_TRUE(KeepExpr::parse("reward == 1 && tokens == 3", labels).matches(s));
  EXPECT_TRUE(KeepExpr::parse("`reward` == 7 && `tokens` == 8", labels).matches(s));
}

TEST(KeepExpr, UnknownNameListsValidNames) {
  const std::string e = parse_error("accuracy == 1");
  EXPECT_NE(e.find("--keep: column 1: unknown name 'accuracy'"), std::string::npos) << e;
  EXPECT_NE(e.find("Valid names: reward, tokens, finish_reason, accuracy_math, format, language_consistency, my-label"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("HINT:"), std::string::npos) << e;
  // The name at column 21 (1-based), with the caret under it.
  const std::string e2 = parse_error("accuracy_math == 1 && fromat >= 1");
  EXPECT_NE(e2.find("column 23: unknown name 'fromat'"), std::string::npos) << e2;
  EXPECT_NE(e2.find("\n  accuracy_math == 1 && fromat >= 1\n" + std::string(2 + 22, ' ') + "^\n"), std::string::npos)
      << e2;
  EXPECT_NE(parse_error("tokens-1 > 0").find("column 1: unknown name 'tokens-1'"), std::string::npos);
}

TEST(KeepExpr, SyntaxErrorsNameTheColumn) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"", "column 1: the expression is empty"},
      {"format = 1", "column 8: '=' is not an operator"},
      {"format >= 1 & tokens < 3", "column 13: '&' is not an operator"},
      {"format >= 1 | tokens < 3", "column 13: '|' is not an operator"},
      {"format >= 1 && ", "column 16: expected a value but found 'end of expression'"},
      {"(format >= 1", "column 13: expected ')' but found 'end of expression'"},
      {"format >= 1)", "column 12: unexpected ')'"},
      {"format >= 1 tokens", "column 13: unexpected 'tokens'"},
      {"0 < format < 1", "column 12: comparisons do not chain"},
      {"format >= 1abc", "column 11: malformed number"},
      {"finish_reason == \"stop", "column 18: unterminated string"},
      {"`format > 1", "column 1: unterminated `label`"},
      {"format # 1", "column 8: unexpected character '#'"},
      {"format >= >= 1", "column 11: expected a value but found '>='"},
  };
  for (const auto& c : cases) {
    const std::string e = parse_error(c.text);
    EXPECT_NE(e.find(c.expected), std::string::npos) << "[" << c.text << "] -> " << e;
    EXPECT_NE(e.find("HINT:"), std::string::npos) << e;
  }
}

TEST(KeepExpr, TypeErrors) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"format", "column 1: 'format' is a number, not a condition"},
      {"format && tokens < 3", "column 1: 'format' is a number, not a condition"},
      {"tokens < 3 || format", "column 15: 'format' is a number, not a condition"},
      {"!format", "column 2: 'format' is a number, not a condition"},
      {"finish_reason", "column 1: 'finish_reason' is a string, not a condition"},
      {"(1)", "column 1: the value is a number, not a condition"},
      {"finish_reason == 1", "column 15: '==' compares a string with a number"},
      {"tokens > \"5\"", "column 8: '>' compares a number with a string"},
      {"finish_reason < \"stop\"", "column 15: '<' does not order strings"},
      {"(tokens > 1) < (format > 1)", "column 14: '<' does not order conditions"},
      {"true == 1", "column 6: '==' compares a condition with a number"},
  };
  for (const auto& c : cases) {
    const std::string e = parse_error(c.text);
    EXPECT_NE(e.find(c.expected), std::string::npos) << "[" << c.text << "] -> " << e;
  }
}

TEST(KeepExpr, WhereIsThePrefix) {
  const std::string e = test::error_of([] { KeepExpr::parse("x", kLabels, "sample.yaml:3: keep"); });
  EXPECT_EQ(e.rfind("sample.yaml:3: keep: column 1:", 0), 0u) << e;
}

}  // namespace
}  // namespace grpo
