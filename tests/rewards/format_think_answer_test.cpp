// `format`: strict and lenient R1 template checks on hand-written completions.
#include <gtest/gtest.h>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

double strict(const std::string& c, const std::string& prompt = "") {
  static auto r = make_reward("format", "mode: strict");
  return score(*r, {.completion = c, .prompt = prompt}).score;
}
double lenient(const std::string& c) {
  static auto r = make_reward("format", "mode: lenient");
  return score(*r, {.completion = c}).score;
}

TEST(FormatThinkAnswer, StrictAcceptsExactlyTheTemplate) {
  EXPECT_EQ(strict("<think>3+4=7</think><answer>7</answer>"), 1.0);
  // Whitespace around and between the blocks is allowed; newlines inside blocks too.
  EXPECT_EQ(strict("  <think>\nstep 1\nstep 2\n</think>\n<answer> 7 </answer>\n"), 1.0);
  // Empty blocks still follow the template.
  EXPECT_EQ(strict("<think></think><answer></answer>"), 1.0);
}

TEST(FormatThinkAnswer, StrictRejectsTextOutsideOrRepeatedBlocks) {
  EXPECT_EQ(strict("Sure! <think>a</think><answer>1</answer>"), 0.0);    // text before
  EXPECT_EQ(strict("<think>a</think> so <answer>1</answer>"), 0.0);      // text between
  EXPECT_EQ(strict("<think>a</think><answer>1</answer> done"), 0.0);     // text after
  EXPECT_EQ(strict("<think>a</think><answer>1</answer><answer>2</answer>"), 0.0);  // two answers
  EXPECT_EQ(strict("<think>a<think>b</think><answer>1</answer>"), 0.0);  // nested think
  EXPECT_EQ(strict("<think>a</think><answer>1"), 0.0);                   // unclosed
  EXPECT_EQ(strict("<answer>1</answer><think>a</think>"), 0.0);          // wrong order
  EXPECT_EQ(strict(""), 0.0);
}

TEST(FormatThinkAnswer, PromptEndingInThinkTagOpensTheBlock) {
  // R1-Zero prompts end with "Assistant: <think>": the completion starts inside the reasoning.
  EXPECT_EQ(strict("a</think><answer>1</answer>", "User: 3+4?\nAssistant: <think>\n"), 1.0);
  EXPECT_EQ(strict("a</think><answer>1</answer>", "User: 3+4?\nAssistant:"), 0.0);
}

TEST(FormatThinkAnswer, LenientNeedsTagsInOrder) {
  EXPECT_EQ(lenient("Sure! <think>a</think> so <answer>1</answer> done"), 1.0);
  EXPECT_EQ(lenient("<think>a</think><answer>1</answer><answer>2</answer>"), 1.0);
  EXPECT_EQ(lenient("<answer>1</answer><think>a</think>"), 0.0);
  EXPECT_EQ(lenient("<think>a</think> no answer"), 0.0);
  EXPECT_EQ(lenient("<think>a</think><answer>1"), 0.0);
}

TEST(FormatThinkAnswer, TagsAndScoresAreConfigurable) {
  auto r = make_reward("format",
                       "mode: strict\nmatch_score: 0.5\nno_match_score: -1\n"
                       "tags: {think_open: '[R]', think_close: '[/R]', answer_open: '[A]', answer_close: '[/A]'}");
  EXPECT_EQ(score(*r, {.completion = "[R] x.* [/R][A]1[/A]"}).score, 0.5);  // '.' '*' '[' are literal
  EXPECT_EQ(score(*r, {.completion = "<think>x</think><answer>1</answer>"}).score, -1.0);
}

TEST(FormatThinkAnswer, BadParamsNameFileLineAndKey) {
  const std::string bad_mode = error_of([] { make_reward("format", "mode: fuzzy"); });
  EXPECT_NE(bad_mode.find("params.yaml:1"), std::string::npos) << bad_mode;
  EXPECT_NE(bad_mode.find("mode: must be 'strict' or 'lenient'"), std::string::npos) << bad_mode;
  const std::string typo = error_of([] { make_reward("format", "mode: strict\nmodee: lenient"); });
  EXPECT_NE(typo.find("params.yaml:2: modee: unknown key"), std::string::npos) << typo;
  EXPECT_NE(typo.find("did you mean 'mode'"), std::string::npos) << typo;
  const std::string type = error_of([] { make_reward("format", "match_score: high"); });
  EXPECT_NE(type.find("match_score: expected float, got 'high'"), std::string::npos) << type;
}

}  // namespace
}  // namespace grpo::test
