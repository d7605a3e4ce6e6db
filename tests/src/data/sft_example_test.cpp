// SFT example encoding: which tokens carry the loss. Prompt/completion masks are checked against a
// hand tokenization (byte tokenizer: one token per byte, ids from GPT-2's byte table); chat masks
// against the Qwen3 template's rendering written out by hand from the template source, for a
// multi-turn conversation whose earlier assistant turn the template rewrites (reasoning dropped),
// and against transformers' assistant-token masks (oracle_sft_masks.py).
#include "src/data/sft_example.h"

#include <gtest/gtest.h>

#include "src/util/fs.h"
#include "test_util.h"
#include "trainer/sft_fixture.h"

namespace grpo {
namespace {

using ojson = nlohmann::ordered_json;

Tokenizer qwen3() { return Tokenizer::load((test::source_dir() / "tests/data/tokenizers/qwen3").string()); }

// The trained tokens as text, one string per run of consecutive trained tokens.
std::vector<std::string> trained_runs(const Tokenizer& tok, const SftExample& ex) {
  std::vector<std::string> runs;
  std::vector<TokenId> cur;
  for (size_t i = 0; i <= ex.tokens.size(); ++i) {
    if (i < ex.tokens.size() && ex.trained[i]) {
      cur.push_back(static_cast<TokenId>(ex.tokens[i]));
    } else if (!cur.empty()) {
      runs.push_back(tok.decode(cur));
      cur.clear();
    }
  }
  return runs;
}

TEST(SftExample, PromptCompletionTrainsCompletionAndEos) {
  test::TempDir dir;
  const Tokenizer tok = Tokenizer::load(test::make_byte_tokenizer(dir.path() / "tok").string());
  const SftExample ex = encode_prompt_completion(tok, "Q: 1+1=", false, " 2", tok.eos_id());
  // "Q: 1+1=" -> 7 byte tokens (untrained), " 2" -> 2 (trained), then <|im_end|> = 258 (trained).
  using test::byte_id;
  const std::vector<int64_t> ids{byte_id('Q'), byte_id(':'), byte_id(' '), byte_id('1'), byte_id('+'),
                                 byte_id('1'), byte_id('='), byte_id(' '), byte_id('2'), 258};
  EXPECT_EQ(ex.tokens, ids);
  EXPECT_EQ(ex.trained, (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(ex.trained_tokens(), 3);
}

TEST(SftExample, BoundaryIsExactWhereJointTokenizationWouldMerge) {
  // With separate tokenization the completion ids are exactly encode(" 4") and the mask turns on
  // at the first of them, whatever the joint tokenization of "2+2 = 4" would do at the seam.
  const Tokenizer tok = qwen3();
  const SftExample ex = encode_prompt_completion(tok, "2+2 =", false, " 4", -1);
  const auto p = tok.encode("2+2 ="), c = tok.encode(" 4");
  ASSERT_EQ(ex.tokens.size(), p.size() + c.size());
  for (size_t i = 0; i < ex.tokens.size(); ++i) EXPECT_EQ(ex.trained[i], i >= p.size() ? 1 : 0) << i;
  EXPECT_EQ(tok.decode(std::vector<TokenId>(ex.tokens.begin() + p.size(), ex.tokens.end())), " 4");
}

TEST(SftExample, TextTrainsAllButFirst) {
  test::TempDir dir;
  const Tokenizer tok = Tokenizer::load(test::make_byte_tokenizer(dir.path() / "tok").string());
  const SftExample ex = encode_text(tok, "abc", tok.eos_id());
  EXPECT_EQ(ex.tokens, (std::vector<int64_t>{test::byte_id('a'), test::byte_id('b'), test::byte_id('c'), 258}));
  EXPECT_EQ(ex.trained, (std::vector<uint8_t>{0, 1, 1, 1}));
}

TEST(SftExample, Qwen3AssistantSpans) {
  const Tokenizer tok = qwen3();
  const ChatTemplate tmpl = ChatTemplate::from_tokenizer(tok);
  const ojson messages = ojson::parse(R"([
    {"role": "system", "content": "S"},
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "<think>\nold\n</think>\n\nHello!"},
    {"role": "user", "content": "Bye?"},
    {"role": "assistant", "content": "Bye."}])");
  // Qwen3's template: earlier assistant turns lose their reasoning (before the last user query);
  // the final turn gets "<think>\n" + reasoning + "\n</think>\n\n" (empty reasoning here).
  const std::string expected_text =
      "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
      "<|im_start|>user\nBye?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nBye.<|im_end|>\n";
  const RenderedChat chat = render_with_assistant_spans(tmpl, messages, "t.jsonl:1");
  EXPECT_EQ(chat.text, expected_text);
  ASSERT_EQ(chat.assistant_spans.size(), 2u);
  auto span = [&](size_t i) {
    return chat.text.substr(chat.assistant_spans[i].first, chat.assistant_spans[i].second - chat.assistant_spans[i].first);
  };
  EXPECT_EQ(span(0), "Hello!<|im_end|>");
  EXPECT_EQ(span(1), "<think>\n\n</think>\n\nBye.<|im_end|>");

  const SftExample ex = encode_messages(tok, tmpl, messages, "t.jsonl:1");
  // Piecewise tokenization gives the same ids as tokenizing the whole rendering (boundaries sit at
  // special tokens and after "\n"), so the model sees exactly what inference would produce.
  const auto whole = tok.encode(expected_text);
  EXPECT_EQ(ex.tokens, std::vector<int64_t>(whole.begin(), whole.end()));
  EXPECT_EQ(trained_runs(tok, ex), (std::vector<std::string>{"Hello!<|im_end|>", "<think>\n\n</think>\n\nBye.<|im_end|>"}));
}

// transformers' return_assistant_tokens_mask on Qwen3 with TRL-style {% generation %} markers
// (tests/src/data/oracle_sft_masks.py): same ids, same mask, token for token.
TEST(SftExample, MessagesMaskMatchesTransformers) {
  const Tokenizer tok = qwen3();
  const ChatTemplate tmpl = ChatTemplate::from_tokenizer(tok);
  const auto ref = nlohmann::json::parse(read_file((test::testdata_dir() / "sft" / "qwen3_masks.json").string()));
  ASSERT_GE(ref["rows"].size(), 4u);
  for (const auto& row : ref["rows"]) {
    const SftExample ex = encode_messages(tok, tmpl, ojson::parse(row["messages"].dump()), "oracle");
    EXPECT_EQ(ex.tokens, row["input_ids"].get<std::vector<int64_t>>()) << row["messages"].dump();
    EXPECT_EQ(ex.trained, row["assistant_masks"].get<std::vector<uint8_t>>()) << row["messages"].dump();
  }
}

TEST(SftExample, TemplateThatIsNotAppendOnlyIsAnError) {
  // A template that writes the message count first: the prefix rendering is not a prefix.
  const ChatTemplate tmpl("{{ messages|length }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}");
  const ojson messages = ojson::parse(R"([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}])");
  const std::string e = test::error_of([&] { render_with_assistant_spans(tmpl, messages, "d.jsonl:3"); });
  EXPECT_NE(e.find("d.jsonl:3: messages[1]"), std::string::npos) << e;
  EXPECT_NE(e.find("HINT"), std::string::npos) << e;
}

}  // namespace
}  // namespace grpo
