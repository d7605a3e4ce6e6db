// SFT dataset: format detection, located row errors, truncation and dropping, seeded order.
#include "src/data/sft_dataset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "test_util.h"
#include "trainer/sft_fixture.h"

namespace grpo {
namespace {

struct Fixture {
  test::TempDir dir;
  Tokenizer tok = Tokenizer::load(test::make_byte_tokenizer(dir.path() / "tok").string());
  std::string write(const std::string& text) {
    const auto p = (dir.path() / "d.jsonl").string();
    std::ofstream(p) << text;
    return p;
  }
};

TEST(SftDataset, DetectsFormats) {
  Fixture f;
  EXPECT_EQ(SftDataset::load(f.write(R"({"prompt": "a", "completion": "b"})" "\n"), {}, f.tok).stats().format,
            "prompt_completion");
  EXPECT_EQ(SftDataset::load(f.write(R"({"text": "abc"})" "\n"), {}, f.tok).stats().format, "text");
  EXPECT_EQ(SftDataset::load(f.write(R"({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})" "\n"),
                             {}, f.tok)
                .stats()
                .format,
            "messages");
}

TEST(SftDataset, RowErrorsNameFileLineAndField) {
  Fixture f;
  auto error = [&](const std::string& text, SftDataOptions o = {}) {
    return test::error_of([&] { SftDataset::load(f.write(text), o, f.tok); });
  };
  std::string e = error("{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\"}\n");
  EXPECT_NE(e.find("d.jsonl:2: missing field 'completion'"), std::string::npos) << e;
  e = error("{\"prompt\": \"a\", \"completion\": \"b\"}\n\n{\"prompt\": \"a\", \"completion\": 3}\n");
  EXPECT_NE(e.find("d.jsonl:3: field 'completion': expected a string"), std::string::npos) << e;
  e = error("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}\n");
  EXPECT_NE(e.find("d.jsonl:1: field 'messages': no assistant message"), std::string::npos) << e;
  e = error("{\"messages\": [{\"role\": \"user\"}]}\n");
  EXPECT_NE(e.find("d.jsonl:1: field 'messages[0]'"), std::string::npos) << e;
  e = error("{\"question\": \"a\"}\n");
  EXPECT_NE(e.find("d.jsonl:1: cannot tell the data format"), std::string::npos) << e;
  e = error("{\"text\": \"a\"}\nnot json\n");
  EXPECT_NE(e.find("d.jsonl:2"), std::string::npos) << e;
}

TEST(SftDataset, TruncatesAndDrops) {
  Fixture f;
  SftDataOptions o;
  o.max_seq_len = 6;
  // Row 1: 4 prompt + 2 completion + eos = 7 tokens -> truncated to 6, 2 trained left.
  // Row 2: 6 prompt bytes -> nothing trained within 6 tokens -> dropped. Row 3: fits.
  const auto ds = SftDataset::load(f.write("{\"prompt\": \"abcd\", \"completion\": \"ef\"}\n"
                                           "{\"prompt\": \"abcdef\", \"completion\": \"g\"}\n"
                                           "{\"prompt\": \"a\", \"completion\": \"b\"}\n"),
                                   o, f.tok);
  EXPECT_EQ(ds.stats().truncated, 2u);
  EXPECT_EQ(ds.stats().dropped, 1u);
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds.example(0).tokens.size(), 6u);
  EXPECT_EQ(ds.example(0).trained_tokens(), 2);
  EXPECT_EQ(ds.example(1).trained_tokens(), 2);  // "b" + eos
  EXPECT_EQ(ds.stats().trained_tokens, 4);
}

TEST(SftDataset, SeededOrderResumes) {
  Fixture f;
  std::string rows;
  for (int i = 0; i < 5; ++i) rows += "{\"text\": \"row" + std::to_string(i) + "\"}\n";
  auto a = SftDataset::load(f.write(rows), {}, f.tok);
  auto b = SftDataset::load(f.write(rows), {}, f.tok);
  const auto first = a.next_batch(3, 7);
  b.set_position(a.position());
  EXPECT_EQ(a.next_batch(4, 7), b.next_batch(4, 7));  // crosses into epoch 1 identically
  std::vector<size_t> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
}

}  // namespace
}  // namespace grpo
