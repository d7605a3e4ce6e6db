// Parity of grpo::Tokenizer with HF tokenizers/transformers on tests/data/tokenizer_corpus.jsonl,
// for the real Qwen3 and DeepSeek-V3 tokenizer files. Expected ids come from oracle_tokenizer.py.
#include "src/tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include <fstream>

#include "src/tokenizer/unicode.h"
#include "src/util/error.h"
#include "src/util/jsonl.h"
#include "test_util.h"

namespace grpo {
namespace {

std::string tokenizer_dir(const std::string& name) {
  return (test::source_dir() / "tests/data/tokenizers" / name).string();
}

std::vector<JsonlRow> oracle_rows(const std::string& name) {
  return read_jsonl((test::testdata_dir() / "tokenizer" / (name + "_ids.jsonl")).string());
}

void check_IdsMatchHuggingFace(const std::string& name) {
  const Tokenizer tok = Tokenizer::load(tokenizer_dir(name));
  int mismatches = 0;
  for (const JsonlRow& row : oracle_rows(name)) {
    const std::string text = row.value["text"];
    const auto want = row.value["ids"].get<std::vector<TokenId>>();
    const auto got = tok.encode(text);
    if (got != want && ++mismatches <= 5)
      ADD_FAILURE() << row.where() << ": ids differ for " << nlohmann::json(text).dump() << "\n got  "
                    << nlohmann::json(got).dump() << "\n want " << nlohmann::json(want).dump();
    EXPECT_EQ(tok.encode(text, true), row.value["ids_special"].get<std::vector<TokenId>>()) << row.where();
  }
  EXPECT_EQ(mismatches, 0);
}

void check_DecodeMatchesHuggingFaceAndRoundTrips(const std::string& name) {
  const Tokenizer tok = Tokenizer::load(tokenizer_dir(name));
  for (const JsonlRow& row : oracle_rows(name)) {
    const auto ids = row.value["ids"].get<std::vector<TokenId>>();
    const std::string decoded = row.value["decoded"];
    EXPECT_EQ(tok.decode(ids), decoded) << row.where();
    EXPECT_EQ(tok.decode(ids, true), row.value["decoded_skip"].get<std::string>()) << row.where();
    // decode(encode(x)) == x up to the tokenizer's normalizer (Qwen3 applies NFC; HF agrees).
    EXPECT_EQ(tok.decode(tok.encode(row.value["text"].get<std::string>())), decoded) << row.where();
  }
}

void check_BatchEqualsSingle(const std::string& name) {
  const Tokenizer tok = Tokenizer::load(tokenizer_dir(name));
  std::vector<std::string> texts;
  for (const JsonlRow& row : oracle_rows(name)) texts.push_back(row.value["text"]);
  const auto batch = tok.encode_batch(texts, false, 4);
  ASSERT_EQ(batch.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(batch[i], tok.encode(texts[i])) << i;
}

void check_StreamingDecodeHoldsBackPartialCharacters(const std::string& name) {
  const Tokenizer tok = Tokenizer::load(tokenizer_dir(name));
  for (const JsonlRow& row : oracle_rows(name)) {
    const auto ids = row.value["ids"].get<std::vector<TokenId>>();
    const std::string decoded = row.value["decoded"];
    StreamDecoder stream(tok);
    std::string joined;
    for (TokenId id : ids) {
      const std::string part = stream.push(id);
      // Every emitted chunk is valid UTF-8 and a prefix of the full decode: nothing is emitted early.
      EXPECT_TRUE(unicode::is_valid_utf8(part));
      joined += part;
      EXPECT_EQ(decoded.compare(0, joined.size(), joined), 0) << row.where();
    }
    joined += stream.flush();
    EXPECT_EQ(joined, decoded) << row.where();
  }
}

void check_SpecialIdsAndVocabMatchTransformers(const std::string& name) {
  const Tokenizer tok = Tokenizer::load(tokenizer_dir(name));
  std::ifstream in(test::testdata_dir() / "tokenizer" / (name + "_meta.json"));
  const auto meta = nlohmann::json::parse(in);
  const auto id_or = [](const nlohmann::json& v) { return v.is_null() ? -1 : v.get<TokenId>(); };
  EXPECT_EQ(tok.bos_id(), id_or(meta["bos_id"]));
  EXPECT_EQ(tok.eos_id(), id_or(meta["eos_id"]));
  EXPECT_EQ(tok.pad_id(), id_or(meta["pad_id"]));
  EXPECT_EQ(tok.vocab_size(), meta["vocab_size"].get<size_t>());
  EXPECT_EQ(tok.token_to_id(tok.id_to_token(tok.eos_id())), tok.eos_id());
  EXPECT_TRUE(tok.is_special(tok.eos_id()));
  EXPECT_FALSE(tok.chat_template().empty());
}

// Plain tests per tokenizer (not TEST_P): CTest discovery mangles parameterised test names.
TEST(TokenizerParity, IdsMatchHuggingFace_Qwen3) { check_IdsMatchHuggingFace("qwen3"); }
TEST(TokenizerParity, IdsMatchHuggingFace_DeepSeekV3) { check_IdsMatchHuggingFace("deepseek_v3"); }
TEST(TokenizerParity, DecodeMatchesHuggingFaceAndRoundTrips_Qwen3) {
  check_DecodeMatchesHuggingFaceAndRoundTrips("qwen3");
}
TEST(TokenizerParity, DecodeMatchesHuggingFaceAndRoundTrips_DeepSeekV3) {
  check_DecodeMatchesHuggingFaceAndRoundTrips("deepseek_v3");
}
TEST(TokenizerParity, BatchEqualsSingle_Qwen3) { check_BatchEqualsSingle("qwen3"); }
TEST(TokenizerParity, BatchEqualsSingle_DeepSeekV3) { check_BatchEqualsSingle("deepseek_v3"); }
TEST(TokenizerParity, StreamingDecodeHoldsBackPartialCharacters_Qwen3) {
  check_StreamingDecodeHoldsBackPartialCharacters("qwen3");
}
TEST(TokenizerParity, StreamingDecodeHoldsBackPartialCharacters_DeepSeekV3) {
  check_StreamingDecodeHoldsBackPartialCharacters("deepseek_v3");
}
TEST(TokenizerParity, SpecialIdsAndVocabMatchTransformers_Qwen3) { check_SpecialIdsAndVocabMatchTransformers("qwen3"); }
TEST(TokenizerParity, SpecialIdsAndVocabMatchTransformers_DeepSeekV3) {
  check_SpecialIdsAndVocabMatchTransformers("deepseek_v3");
}

TEST(TokenizerStream, SplitCharacterIsHeldBackUntilComplete) {
  // "€" is E2 82 AC. In the GPT-2 byte alphabet 0xE2 -> U+00E2 "â", 0x82 (unprintable) -> U+0124 "Ĥ"
  // (the 37th unprintable byte: 0x00-0x20 are 33, 0x7F-0x81 next), 0xAC (printable) -> "¬".
  const Tokenizer tok = Tokenizer::load(tokenizer_dir("qwen3"));
  const TokenId b0 = tok.token_to_id("\xC3\xA2"), b1 = tok.token_to_id("\xC4\xA4"), b2 = tok.token_to_id("\xC2\xAC");
  ASSERT_GE(b0, 0);
  ASSERT_GE(b1, 0);
  ASSERT_GE(b2, 0);
  StreamDecoder s(tok);
  EXPECT_EQ(s.push(b0), "");
  EXPECT_EQ(s.push(b1), "");
  EXPECT_EQ(s.push(b2), "\xE2\x82\xAC");
  EXPECT_EQ(s.push(b0), "");
  EXPECT_EQ(s.flush(), "\xEF\xBF\xBD");  // an unfinished character at the end becomes U+FFFD
}

TEST(TokenizerLoad, ErrorsNameTheFileAndComponent) {
  test::TempDir dir;
  EXPECT_THROW(Tokenizer::load((dir.path() / "missing").string()), Error);
  std::ofstream(dir.path() / "tokenizer.json")
      << R"({"model": {"type": "BPE", "vocab": {}, "merges": []}, "normalizer": {"type": "Strip"}})";
  try {
    Tokenizer::load(dir.path().string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("normalizer 'Strip'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tokenizer.json"), std::string::npos) << e.what();
  }
  // Ids past the vocabulary decode to nothing, as HF tokenizers does (checked there: decode([999999])
  // == '' and decode([9707, 151700, 1879]) == 'Hello world'); negative ids are an error.
  const auto qwen = Tokenizer::load(tokenizer_dir("qwen3"));
  EXPECT_EQ(qwen.decode(std::vector<TokenId>{999999}), "");
  EXPECT_EQ(qwen.decode(std::vector<TokenId>{9707, 151700, 1879}), "Hello world");
  EXPECT_THROW(qwen.decode(std::vector<TokenId>{-1}), Error);
  EXPECT_THROW(Tokenizer().encode("x"), Error);  // default-constructed: not loaded
}

}  // namespace
}  // namespace grpo
