// Think / answer extraction shared by the rewards.
#include "rewards/completion_parts.h"

#include <gtest/gtest.h>

namespace grpo {
namespace {

CompletionParts split(const std::string& completion, const std::string& prompt = "") {
  RewardInput in;
  in.prompt = prompt;
  in.completion = completion;
  return split_completion(in, TagOptions{});
}

TEST(CompletionParts, ThinkAndLastClosedAnswer) {
  auto p = split("<think> a </think> <answer>1</answer> <answer>2</answer> <answer>3");
  EXPECT_EQ(p.think, " a ");
  EXPECT_EQ(p.answer, "2");  // the last answer block that is closed
  EXPECT_FALSE(split("<think>unclosed <answer>").think.has_value());
  EXPECT_FALSE(split("no tags").answer.has_value());
  EXPECT_EQ(split("<answer></answer>").answer, "");
}

TEST(CompletionParts, PromptEndingInThinkTag) {
  auto p = split("reasoning</think><answer>5</answer>", "Assistant: <think>\n");
  EXPECT_EQ(p.text, "<think>reasoning</think><answer>5</answer>");
  EXPECT_EQ(p.think, "reasoning");
  // A completion that opens the tag itself is left alone.
  EXPECT_EQ(split("<think>r</think>", "Assistant: <think>").text, "<think>r</think>");
}

}  // namespace
}  // namespace grpo
