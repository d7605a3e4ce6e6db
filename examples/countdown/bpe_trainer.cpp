// Byte-level BPE training (Sennrich et al., arXiv:1508.07909, over GPT-2's byte alphabet) and the
// tokenizer files. See bpe_trainer.h.
#include "examples/countdown/bpe_trainer.h"

#include <deque>
#include <map>
#include <unordered_map>

#include "src/tokenizer/pre_tokenizer.h"
#include "src/tokenizer/unicode.h"
#include "src/util/error.h"

namespace grpo::countdown {
namespace {

using OJson = nlohmann::ordered_json;

// Qwen2's pre-tokenizer: words with their leading space or punctuation, every digit alone, runs of
// punctuation, whitespace; then ByteLevel without its own regex.
OJson pre_tokenizer_json() {
  const char* qwen2_split =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|"
      "\\s+(?!\\S)|\\s+";
  return OJson{{"type", "Sequence"},
               {"pretokenizers",
                {OJson{{"type", "Split"}, {"pattern", {{"Regex", qwen2_split}}}, {"behavior", "Isolated"},
                       {"invert", false}},
                 OJson{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false},
                       {"use_regex", false}}}}};
}

OJson byte_level_json() {
  return OJson{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
}

// Pre-tokenized words of all texts with their counts; added tokens are cut out first.
std::map<std::string, int64_t> count_words(const std::vector<std::string>& texts,
                                           const std::vector<AddedTokenSpec>& added) {
  const PreTokenizer pre = PreTokenizer::from_json(nlohmann::json::parse(pre_tokenizer_json().dump()), "bpe_trainer");
  std::map<std::string, int64_t> counts;
  std::vector<std::string_view> pieces;
  std::deque<std::string> arena;
  const auto add_segment = [&](std::string_view seg) {
    pieces.clear();
    pre.split(seg, pieces, arena);
    for (std::string_view p : pieces) ++counts[std::string(p)];
  };
  for (const std::string& text : texts) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t best = std::string::npos, len = 0;
      for (const auto& a : added) {
        const size_t at = text.find(a.content, pos);
        if (at < best || (at == best && a.content.size() > len)) best = at, len = a.content.size();
      }
      add_segment(std::string_view(text).substr(pos, best == std::string::npos ? std::string::npos : best - pos));
      if (best == std::string::npos) break;
      pos = best + len;
    }
  }
  return counts;
}

uint64_t pair_key(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }

}  // namespace

TrainedBpe train_bpe(const std::vector<std::string>& texts, const std::vector<AddedTokenSpec>& added,
                     size_t vocab_size) {
  TrainedBpe out;
  out.added = added;
  std::unordered_map<std::string, int32_t> ids;
  for (const auto& a : added) {
    ids[a.content] = int32_t(out.vocab.size());
    out.vocab.push_back(a.content);
  }
  const int32_t byte0 = int32_t(out.vocab.size());
  for (int b = 0; b < 256; ++b) {
    std::string s;
    unicode::append_utf8(s, unicode::byte_to_char(uint8_t(b)));
    if (!ids.emplace(s, int32_t(out.vocab.size())).second)
      fail("train_bpe: added token '{}' equals a byte token. HINT: choose added tokens of two or more bytes", s);
    out.vocab.push_back(s);
  }
  if (vocab_size < out.vocab.size())
    fail("train_bpe: vocab_size {} is below {} (256 bytes + {} added tokens). HINT: raise --vocab-size", vocab_size,
         out.vocab.size(), added.size());

  std::vector<std::vector<int32_t>> words;
  std::vector<int64_t> freq;
  for (const auto& [word, n] : count_words(texts, added)) {
    std::vector<int32_t> syms;
    for (unsigned char c : word) syms.push_back(byte0 + c);
    words.push_back(std::move(syms));
    freq.push_back(n);
  }

  while (out.vocab.size() < vocab_size) {
    std::unordered_map<uint64_t, int64_t> pairs;
    for (size_t w = 0; w < words.size(); ++w)
      for (size_t i = 0; i + 1 < words[w].size(); ++i) pairs[pair_key(words[w][i], words[w][i + 1])] += freq[w];
    uint64_t best = 0;
    int64_t best_n = 0;
    for (const auto& [k, n] : pairs)
      if (n > best_n || (n == best_n && k < best)) best = k, best_n = n;
    if (best_n < 2) break;  // nothing left that a merge would shorten more than once
    const int32_t l = int32_t(best >> 32), r = int32_t(best & 0xffffffffu);
    const std::string merged = out.vocab[size_t(l)] + out.vocab[size_t(r)];
    out.merges.emplace_back(out.vocab[size_t(l)], out.vocab[size_t(r)]);
    // Two merge paths can spell the same string ("a"+"bc", "ab"+"c"): HF then keeps one id.
    auto [it, fresh] = ids.emplace(merged, int32_t(out.vocab.size()));
    if (fresh) out.vocab.push_back(merged);
    for (auto& syms : words) {
      std::vector<int32_t> next;
      for (size_t i = 0; i < syms.size(); ++i) {
        if (i + 1 < syms.size() && syms[i] == l && syms[i + 1] == r) {
          next.push_back(it->second);
          ++i;
        } else {
          next.push_back(syms[i]);
        }
      }
      syms = std::move(next);
    }
  }
  return out;
}

OJson tokenizer_json(const TrainedBpe& bpe) {
  OJson added = OJson::array();
  for (size_t i = 0; i < bpe.added.size(); ++i)
    added.push_back(OJson{{"id", i},
                          {"content", bpe.added[i].content},
                          {"single_word", false},
                          {"lstrip", false},
                          {"rstrip", false},
                          {"normalized", false},
                          {"special", bpe.added[i].special}});
  OJson vocab = OJson::object();
  for (size_t i = 0; i < bpe.vocab.size(); ++i) vocab[bpe.vocab[i]] = i;
  OJson merges = OJson::array();
  for (const auto& [a, b] : bpe.merges) merges.push_back(OJson::array({a, b}));
  return OJson{{"version", "1.0"},
               {"truncation", nullptr},
               {"padding", nullptr},
               {"added_tokens", added},
               {"normalizer", {{"type", "NFC"}}},
               {"pre_tokenizer", pre_tokenizer_json()},
               {"post_processor", byte_level_json()},
               {"decoder", byte_level_json()},
               {"model",
                {{"type", "BPE"},
                 {"dropout", nullptr},
                 {"unk_token", nullptr},
                 {"continuing_subword_prefix", ""},
                 {"end_of_word_suffix", ""},
                 {"fuse_unk", false},
                 {"byte_fallback", false},
                 {"ignore_merges", false},
                 {"vocab", vocab},
                 {"merges", merges}}}};
}

OJson tokenizer_config_json(const TrainedBpe& bpe, const std::string& eos, int64_t max_length) {
  OJson decoder = OJson::object();
  for (size_t i = 0; i < bpe.added.size(); ++i)
    decoder[std::to_string(i)] = OJson{{"content", bpe.added[i].content}, {"lstrip", false}, {"normalized", false},
                                       {"rstrip", false},  {"single_word", false},
                                       {"special", bpe.added[i].special}};
  // PreTrainedTokenizerFast reads tokenizer.json as it is (a model-specific class may rebuild parts).
  return OJson{{"add_bos_token", false},
               {"add_prefix_space", false},
               {"added_tokens_decoder", decoder},
               {"bos_token", nullptr},
               {"clean_up_tokenization_spaces", false},
               {"eos_token", eos},
               {"errors", "replace"},
               {"model_max_length", max_length},
               {"pad_token", eos},
               {"split_special_tokens", false},
               {"tokenizer_class", "PreTrainedTokenizerFast"},
               {"unk_token", nullptr}};
}

}  // namespace grpo::countdown
