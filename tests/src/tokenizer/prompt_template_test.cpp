// Named prompt templates: r1_zero wording from the DeepSeek-R1 paper (Table 1), user templates with
// {field} placeholders, and "chat" through the Qwen3 chat template (expected string derived by hand
// from that template: no system message, one user turn, then the generation prompt).
#include "src/tokenizer/prompt_template.h"

#include <gtest/gtest.h>

#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

TEST(PromptTemplate, R1ZeroIsThePaperTemplate) {
  const auto t = PromptTemplate::create("r1_zero");
  const std::string s = t.render({{"prompt", "What is 2+3?"}});
  EXPECT_EQ(
      s.rfind("A conversation between User and Assistant. The user asks a question, and the Assistant solves it.", 0),
      0u);
  EXPECT_NE(s.find("<think> reasoning process here </think> <answer> answer here </answer>"), std::string::npos);
  const std::string tail = "</answer>. User: What is 2+3?. Assistant:";
  EXPECT_EQ(s.substr(s.size() - tail.size()), tail);
}

TEST(PromptTemplate, UserFieldsAndErrors) {
  const auto t = PromptTemplate::create("Q: {question} ({n}) {{literal}}");
  EXPECT_EQ(t.render({{"question", "why?"}, {"n", 3}}), "Q: why? (3) {literal}");
  try {
    t.render({{"question", "why?"}}, "data.jsonl:7");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("data.jsonl:7: missing field 'n'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(PromptTemplate::create("bad {open"), Error);
}

TEST(PromptTemplate, ChatUsesTheTokenizerTemplate) {
  const Tokenizer tok = Tokenizer::load((test::source_dir() / "tests/data/tokenizers/qwen3").string());
  const auto t = PromptTemplate::create("chat", &tok);
  EXPECT_EQ(t.render({{"prompt", "Hi"}}), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_THROW(PromptTemplate::create("chat", nullptr), Error);
}

}  // namespace
}  // namespace grpo
