// Encode pipeline (HF TokenizerImpl::encode): raw added tokens -> normalize the rest -> normalized
// added tokens -> pre-tokenize -> BPE per piece -> post-processor. Decode maps ids to bytes and
// replaces invalid UTF-8 as Rust's from_utf8_lossy does.
#include "src/tokenizer/tokenizer.h"

#include <deque>

#include "src/tokenizer/tokenizer_impl.h"
#include "src/tokenizer/unicode.h"
#include "src/util/error.h"
#include "src/util/parallel.h"

namespace grpo {
namespace {

void encode_plain(const Tokenizer::Impl& t, std::string_view text, std::vector<TokenId>& out) {
  std::vector<std::string_view> pieces;
  std::deque<std::string> arena;
  t.pre_tokenizer.split(text, pieces, arena);
  for (std::string_view p : pieces) t.model->encode(p, t.pre_tokenizer.byte_level(), out);
}

void encode_span(const Tokenizer::Impl& t, std::string_view span, std::vector<TokenId>& out) {
  if (t.normalizer.empty() && t.normalized_added.empty()) return encode_plain(t, span, out);
  const std::string norm = t.normalizer.apply(span);
  if (t.normalized_added.empty()) return encode_plain(t, norm, out);
  for (const Segment& s : t.normalized_added.split(norm)) {
    if (s.id >= 0)
      out.push_back(s.id);
    else
      encode_plain(t, std::string_view(norm).substr(s.begin, s.end - s.begin), out);
  }
}

}  // namespace

const Tokenizer::Impl& Tokenizer::impl() const {
  if (!impl_) fail("Tokenizer used before Tokenizer::load(). HINT: construct it with Tokenizer::load(path)");
  return *impl_;
}

Tokenizer Tokenizer::load(const std::string& path) {
  Tokenizer t;
  t.impl_ = load_tokenizer_impl(path);
  return t;
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  const Impl& t = impl();
  std::string repaired;
  if (!unicode::is_valid_utf8(text)) text = repaired = unicode::utf8_lossy(text);
  std::vector<TokenId> out;
  out.reserve(text.size() / 3 + 4);
  if (add_special_tokens) out.insert(out.end(), t.prefix_ids.begin(), t.prefix_ids.end());
  for (const Segment& s : t.raw_added.split(text)) {
    if (s.id >= 0)
      out.push_back(s.id);
    else
      encode_span(t, text.substr(s.begin, s.end - s.begin), out);
  }
  if (add_special_tokens) out.insert(out.end(), t.suffix_ids.begin(), t.suffix_ids.end());
  return out;
}

std::vector<std::vector<TokenId>> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                                          bool add_special_tokens, size_t threads) const {
  std::vector<std::vector<TokenId>> out(texts.size());
  parallel_for(texts.size(), threads, [&](size_t i) { out[i] = encode(texts[i], add_special_tokens); });
  return out;
}

void Tokenizer::append_token_bytes(TokenId id, bool skip_special_tokens, std::string& out) const {
  const Impl& t = impl();
  if (id < 0) fail("decode: token id {} is negative. HINT: the ids are corrupt", id);
  // An id the vocabulary lacks decodes to nothing, as in HF tokenizers: models pad their embedding
  // matrix past the tokenizer (Qwen2.5: 151,936 rows for 151,665 tokens) and may sample there.
  if (size_t(id) >= t.decoded.size() ||
      (t.decoded[id].empty() && t.model->id_to_token(id) == nullptr && !t.added_by_id.count(id)))
    return;
  if (skip_special_tokens && t.special[id]) return;
  if (t.join_with_space && !out.empty()) out += ' ';
  out += t.decoded[id];
}

std::string Tokenizer::decode(std::span<const TokenId> ids, bool skip_special_tokens) const {
  std::string bytes;
  for (TokenId id : ids) append_token_bytes(id, skip_special_tokens, bytes);
  return unicode::is_valid_utf8(bytes) ? bytes : unicode::utf8_lossy(bytes);
}

TokenId Tokenizer::token_to_id(std::string_view token) const {
  auto it = impl().added_by_content.find(std::string(token));
  return it != impl().added_by_content.end() ? it->second : impl().model->token_to_id(token);
}

std::string Tokenizer::id_to_token(TokenId id) const {
  auto it = impl().added_by_id.find(id);
  if (it != impl().added_by_id.end()) return it->second.content;
  if (const std::string* s = impl().model->id_to_token(id)) return *s;
  fail("id_to_token: id {} is not in the vocabulary of {}. HINT: the id comes from another tokenizer", id,
       impl().source);
}

bool Tokenizer::is_special(TokenId id) const {
  return id >= 0 && size_t(id) < impl().special.size() && impl().special[id];
}
size_t Tokenizer::vocab_size() const { return impl().vocab_size; }
TokenId Tokenizer::bos_id() const { return impl().bos_id; }
TokenId Tokenizer::eos_id() const { return impl().eos_id; }
TokenId Tokenizer::pad_id() const { return impl().pad_id; }
const std::string& Tokenizer::bos_token() const { return impl().bos_token; }
const std::string& Tokenizer::eos_token() const { return impl().eos_token; }
const std::string& Tokenizer::pad_token() const { return impl().pad_token; }
bool Tokenizer::add_bos_token() const { return impl().add_bos_token; }
const std::string& Tokenizer::chat_template() const { return impl().chat_template; }
const std::string& Tokenizer::source() const { return impl().source; }

StreamDecoder::StreamDecoder(Tokenizer tokenizer, bool skip_special_tokens)
    : tok_(std::move(tokenizer)), skip_special_(skip_special_tokens) {}

std::string StreamDecoder::push(TokenId id) {
  tok_.append_token_bytes(id, skip_special_, pending_);
  const size_t keep = unicode::incomplete_utf8_tail(pending_);
  std::string ready = unicode::utf8_lossy(std::string_view(pending_).substr(0, pending_.size() - keep));
  pending_.erase(0, pending_.size() - keep);
  return ready;
}

std::string StreamDecoder::flush() {
  std::string rest = unicode::utf8_lossy(pending_);
  pending_.clear();
  return rest;
}

}  // namespace grpo
