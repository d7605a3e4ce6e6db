// Added tokens of tokenizer.json ("added_tokens"): strings matched in the input before the model
// sees it (HF AddedVocabulary semantics). Tokens with normalized=false match the raw text; those
// with normalized=true match the normalized text. Leftmost-longest matching, then the token's
// single_word / lstrip / rstrip rules. Built by Tokenizer::load; split() is const and thread-safe.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace grpo {

using TokenId = int32_t;

struct AddedToken {
  TokenId id = -1;
  std::string content;
  bool single_word = false, lstrip = false, rstrip = false, normalized = false, special = false;
};

// A text span [begin, end) that is either an added token (id >= 0) or plain text (id = -1).
struct Segment {
  size_t begin, end;
  TokenId id;
};

class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  void add(const AddedToken& token);
  // Segments covering text in order; empty plain spans are dropped.
  std::vector<Segment> split(std::string_view text) const;
  bool empty() const { return tokens_.empty(); }

 private:
  // Longest token that starts at text[pos]; -1 for none. Byte trie: node -> (byte -> child).
  int longest_at(std::string_view text, size_t pos, size_t& len) const;
  std::vector<AddedToken> tokens_;
  std::vector<std::unordered_map<uint8_t, int>> children_{1};
  std::vector<int> terminal_{-1};  // node -> index into tokens_, or -1
  bool first_byte_[256] = {};
};

}  // namespace grpo
