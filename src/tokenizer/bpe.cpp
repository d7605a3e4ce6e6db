// Merge loop: symbols form a linked list; a min-heap holds candidate pairs keyed by (rank, left
// position), so each merge costs O(log n) and stale heap entries are skipped when popped. This is
// the order HF tokenizers' Word::merge_all applies (lowest rank first, leftmost on ties).
#include "src/tokenizer/bpe.h"

#include <fmt/format.h>

#include <functional>
#include <queue>

#include "src/tokenizer/unicode.h"
#include "src/util/error.h"

namespace grpo {
namespace {

uint64_t pair_key(TokenId a, TokenId b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }

}  // namespace

std::unique_ptr<Bpe> Bpe::from_json(const nlohmann::json& j, const std::string& where) {
  if (j.value("type", "BPE") != "BPE")
    fail("{}: model type '{}' is not supported. HINT: only BPE tokenizer.json models are supported", where,
         j.value("type", ""));
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"})
    if (j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty())
      fail("{}: model.{} = '{}' is not supported. HINT: only prefix/suffix-free BPE is supported", where, key,
           j[key].get<std::string>());
  if (j.contains("dropout") && !j["dropout"].is_null() && j["dropout"].get<double>() > 0)
    fail("{}: model.dropout > 0 is not supported (it makes encoding random). HINT: set it to null", where);
  auto bpe = std::make_unique<Bpe>();
  TokenId max_id = -1;
  for (const auto& [tok, id] : j.at("vocab").items()) {
    bpe->vocab_.emplace(tok, id.get<TokenId>());
    max_id = std::max(max_id, id.get<TokenId>());
  }
  bpe->id_to_token_.resize(max_id + 1);
  for (const auto& [tok, id] : bpe->vocab_) bpe->id_to_token_[id] = tok;

  const auto& merges = j.at("merges");
  bpe->merges_.reserve(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    std::string a, b;
    if (merges[rank].is_string()) {  // "a b"
      const std::string s = merges[rank].get<std::string>();
      const size_t sp = s.find(' ', 1);
      if (sp == std::string::npos)
        fail("{}: model.merges[{}] = '{}' has no space. HINT: merges are \"a b\"", where, rank, s);
      a = s.substr(0, sp);
      b = s.substr(sp + 1);
    } else {  // ["a", "b"]
      a = merges[rank].at(0).get<std::string>();
      b = merges[rank].at(1).get<std::string>();
    }
    const TokenId ia = bpe->token_to_id(a), ib = bpe->token_to_id(b), im = bpe->token_to_id(a + b);
    if (ia < 0 || ib < 0 || im < 0)
      fail("{}: model.merges[{}] ('{}' + '{}') uses a token missing from the vocab. HINT: the file is corrupt", where,
           rank, a, b);
    bpe->merges_.emplace(pair_key(ia, ib), Merge{int32_t(rank), im});
  }
  for (int b = 0; b < 256; ++b) {
    std::string ch;
    unicode::append_utf8(ch, unicode::byte_to_char(uint8_t(b)));
    bpe->byte_ids_[b] = bpe->token_to_id(ch);
  }
  if (j.contains("unk_token") && j["unk_token"].is_string())
    bpe->unk_id_ = bpe->token_to_id(j["unk_token"].get<std::string>());
  bpe->byte_fallback_ = j.value("byte_fallback", false);
  bpe->ignore_merges_ = j.value("ignore_merges", false);
  bpe->fuse_unk_ = j.value("fuse_unk", false);
  return bpe;
}

TokenId Bpe::token_to_id(std::string_view token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

const std::string* Bpe::id_to_token(TokenId id) const {
  if (id < 0 || size_t(id) >= id_to_token_.size() || id_to_token_[id].empty()) return nullptr;
  return &id_to_token_[id];
}

void Bpe::initial_symbols(std::string_view piece, bool byte_level, std::vector<TokenId>& out) const {
  if (byte_level) {
    for (unsigned char c : piece) {
      if (byte_ids_[c] < 0)
        fail(
            "tokenizer: the byte-level alphabet char for byte 0x{:02X} is missing from the vocab. HINT: the "
            "tokenizer.json is not a byte-level BPE",
            c);
      out.push_back(byte_ids_[c]);
    }
    return;
  }
  for (size_t i = 0; i < piece.size();) {
    const size_t b = i;
    unicode::next_codepoint(piece, i);
    const TokenId id = token_to_id(piece.substr(b, i - b));
    if (id >= 0) {
      out.push_back(id);
    } else if (byte_fallback_) {  // <0xAB> per byte, as HF does when all exist
      for (size_t k = b; k < i; ++k) {
        const TokenId bid = token_to_id(fmt::format("<0x{:02X}>", static_cast<unsigned char>(piece[k])));
        if (bid >= 0)
          out.push_back(bid);
        else if (unk_id_ >= 0)
          out.push_back(unk_id_);
      }
    } else if (unk_id_ >= 0 && !(fuse_unk_ && !out.empty() && out.back() == unk_id_)) {
      out.push_back(unk_id_);
    } else if (unk_id_ < 0) {
      fail(
          "tokenizer: character '{}' is not in the vocab and the model has no unk_token. HINT: use a "
          "byte-level or byte_fallback tokenizer",
          piece.substr(b, i - b));
    }
  }
}

void Bpe::merge_word(std::vector<TokenId>& sym) const {
  const int n = static_cast<int>(sym.size());
  if (n < 2) return;
  std::vector<int> prev(n), next(n);
  for (int i = 0; i < n; ++i) prev[i] = i - 1, next[i] = i + 1 < n ? i + 1 : -1;
  using Cand = std::pair<int64_t, int>;  // (rank << 32 | left position, left position)
  std::priority_queue<Cand, std::vector<Cand>, std::greater<>> heap;
  const auto push = [&](int left) {
    if (left < 0 || next[left] < 0) return;
    auto it = merges_.find(pair_key(sym[left], sym[next[left]]));
    if (it != merges_.end()) heap.push({(int64_t(it->second.rank) << 32) | left, left});
  };
  for (int i = 0; i + 1 < n; ++i) push(i);
  while (!heap.empty()) {
    const auto [key, left] = heap.top();
    heap.pop();
    const int right = next[left];
    if (sym[left] < 0 || right < 0) continue;  // left was absorbed, or is now last
    auto it = merges_.find(pair_key(sym[left], sym[right]));
    if (it == merges_.end() || (int64_t(it->second.rank) << 32 | left) != key) continue;  // stale
    sym[left] = it->second.merged;
    sym[right] = -1;
    next[left] = next[right];
    if (next[right] >= 0) prev[next[right]] = left;
    push(prev[left]);
    push(left);
  }
  int w = 0;
  for (int i = 0; i < n; ++i)
    if (sym[i] >= 0) sym[w++] = sym[i];
  sym.resize(w);
}

void Bpe::encode(std::string_view piece, bool byte_level, std::vector<TokenId>& out) const {
  if (piece.empty()) return;
  Shard& shard = cache_[std::hash<std::string_view>{}(piece) % kShards];
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.words.find(piece);
    if (it != shard.words.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<TokenId> sym;
  if (ignore_merges_) {  // a piece that is itself a token skips the merges
    std::string mapped;
    if (byte_level)
      for (unsigned char c : piece) unicode::append_utf8(mapped, unicode::byte_to_char(c));
    const TokenId whole = token_to_id(byte_level ? std::string_view(mapped) : piece);
    if (whole >= 0) sym.push_back(whole);
  }
  if (sym.empty()) {
    initial_symbols(piece, byte_level, sym);
    merge_word(sym);
  }
  out.insert(out.end(), sym.begin(), sym.end());
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.words.size() < kShardCapacity && piece.size() <= kMaxCachedBytes)
    shard.words.emplace(std::string(piece), std::move(sym));
}

}  // namespace grpo
