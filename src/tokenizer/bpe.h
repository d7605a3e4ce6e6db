// The tokenizer.json BPE model: vocab, ranked merges, and the merge loop that turns one
// pre-tokenized piece into ids (HF tokenizers semantics, incl. ignore_merges, byte_fallback, unk).
// A bounded, sharded word cache makes repeated words O(1). encode() is const and thread-safe.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace grpo {

using TokenId = int32_t;

class Bpe {
 public:
  // j: the "model" object of tokenizer.json; where: file name for errors.
  static std::unique_ptr<Bpe> from_json(const nlohmann::json& j, const std::string& where);

  // Appends the ids of one piece. byte_level: the piece is raw bytes and starts from the GPT-2
  // byte alphabet (a ByteLevel pre-tokenizer ran); otherwise it starts from its UTF-8 characters.
  void encode(std::string_view piece, bool byte_level, std::vector<TokenId>& out) const;

  TokenId token_to_id(std::string_view token) const;  // -1 when absent
  const std::string* id_to_token(TokenId id) const;   // nullptr when absent
  size_t vocab_size() const { return id_to_token_.size(); }

 private:
  struct StringHash {  // lets find() take a string_view without allocating a key
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Merge {
    int32_t rank;
    TokenId merged;
  };
  void merge_word(std::vector<TokenId>& symbols) const;
  void initial_symbols(std::string_view piece, bool byte_level, std::vector<TokenId>& out) const;

  std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> vocab_;
  std::vector<std::string> id_to_token_;
  std::unordered_map<uint64_t, Merge> merges_;  // key: (left id << 32) | right id
  std::array<TokenId, 256> byte_ids_{};         // byte-alphabet char -> id
  TokenId unk_id_ = -1;
  bool byte_fallback_ = false, ignore_merges_ = false, fuse_unk_ = false;

  // Word cache: 64 shards of at most kShardCapacity words each (inserts stop when full, like HF).
  // Pieces longer than kMaxCachedBytes (long whitespace or digit-free runs) are not cached.
  static constexpr size_t kShards = 64, kShardCapacity = 4096, kMaxCachedBytes = 256;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, std::vector<TokenId>, StringHash, std::equal_to<>> words;
  };
  mutable std::array<Shard, kShards> cache_;
};

}  // namespace grpo
