// The immutable state behind grpo::Tokenizer, shared by tokenizer.cpp (encode/decode) and
// tokenizer_load.cpp (building it from tokenizer.json + tokenizer_config.json). Internal header.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "src/tokenizer/added_tokens.h"
#include "src/tokenizer/bpe.h"
#include "src/tokenizer/normalizer.h"
#include "src/tokenizer/pre_tokenizer.h"
#include "src/tokenizer/tokenizer.h"

namespace grpo {

struct Tokenizer::Impl {
  std::string source;  // tokenizer.json path
  Normalizer normalizer;
  PreTokenizer pre_tokenizer;
  std::unique_ptr<Bpe> model;
  AddedTokenMatcher raw_added, normalized_added;  // matched before / after normalization
  std::unordered_map<TokenId, AddedToken> added_by_id;
  std::unordered_map<std::string, TokenId> added_by_content;
  std::vector<TokenId> prefix_ids, suffix_ids;  // post_processor template around $A
  // Decoder: token id -> the bytes it decodes to (ByteLevel mapping applied, HF per-token rule).
  std::vector<std::string> decoded;
  std::vector<char> special;     // id -> is a special added token
  bool join_with_space = false;  // no decoder: HF joins token strings with ' '
  size_t vocab_size = 0;

  TokenId bos_id = -1, eos_id = -1, pad_id = -1;
  std::string bos_token, eos_token, pad_token, chat_template;
  bool add_bos_token = false;
};

// Builds the Impl (tokenizer_load.cpp).
std::shared_ptr<const Tokenizer::Impl> load_tokenizer_impl(const std::string& path);

}  // namespace grpo
