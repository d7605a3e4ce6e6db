// grpo::Tokenizer — a Hugging Face tokenizer.json (byte-level BPE: Qwen2.5/Qwen3, Llama 3,
// DeepSeek-V3/R1) with its tokenizer_config.json, giving the same ids as HF `tokenizers`.
// The rollout engine and trainer call it; it never touches torch.
//
//   Tokenizer tok = Tokenizer::load("path/to/model_dir");      // or ".../tokenizer.json"
//   std::vector<TokenId> ids = tok.encode("Hello world");      // no BOS/EOS
//   std::string text = tok.decode(ids);                        // == "Hello world"
//
// Loading failures and unsupported tokenizer.json components throw grpo::Error naming the file and
// the component. A Tokenizer is a cheap shared handle: copies share one immutable model. All const
// methods are thread-safe.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/tokenizer/added_tokens.h"

namespace grpo {

using TokenId = int32_t;

class Tokenizer {
 public:
  // path: a directory holding tokenizer.json (and optionally tokenizer_config.json and
  // chat_template.jinja), or the tokenizer.json file itself (its sibling config is read if present).
  static Tokenizer load(const std::string& path);

  // add_special_tokens applies tokenizer.json's post_processor (e.g. a BOS from TemplateProcessing),
  // as transformers 5 and HF tokenizers do. Special tokens written inside text (e.g. "<|im_end|>")
  // are always recognised, as in HF. Invalid UTF-8 is first replaced (U+FFFD per bad sequence).
  std::vector<TokenId> encode(std::string_view text, bool add_special_tokens = false) const;
  // Encodes texts on `threads` threads (0 = all cores). Result i belongs to texts[i].
  std::vector<std::vector<TokenId>> encode_batch(const std::vector<std::string>& texts, bool add_special_tokens = false,
                                                 size_t threads = 0) const;

  // Ids -> text; bytes that do not form valid UTF-8 become U+FFFD, as in HF. Unknown ids throw.
  std::string decode(std::span<const TokenId> ids, bool skip_special_tokens = false) const;
  // The raw bytes id contributes to a decode (empty for a skipped special token).
  void append_token_bytes(TokenId id, bool skip_special_tokens, std::string& out) const;

  TokenId token_to_id(std::string_view token) const;  // -1 when absent
  std::string id_to_token(TokenId id) const;          // the vocab string; throws on unknown ids
  bool is_special(TokenId id) const;                  // an added token marked "special"
  size_t vocab_size() const;                          // distinct ids, added tokens included

  // From tokenizer_config.json; -1 / "" when not set.
  TokenId bos_id() const;
  TokenId eos_id() const;
  TokenId pad_id() const;
  const std::string& bos_token() const;
  const std::string& eos_token() const;
  const std::string& pad_token() const;
  bool add_bos_token() const;                // tokenizer_config "add_bos_token" (informational)
  const std::string& chat_template() const;  // "" when the config has none
  const std::string& source() const;         // the tokenizer.json path, for messages

  struct Impl;

 private:
  const Impl& impl() const;  // throws when default-constructed
  std::shared_ptr<const Impl> impl_;
};

// Streaming-safe decoding for generation: push ids one at a time, get the text that is complete
// so far. Bytes of a UTF-8 character split across tokens are held back until it completes; flush()
// returns whatever is left (an unfinished character becomes U+FFFD). Not thread-safe (one per stream).
class StreamDecoder {
 public:
  explicit StreamDecoder(Tokenizer tokenizer, bool skip_special_tokens = false);
  std::string push(TokenId id);
  std::string flush();

 private:
  Tokenizer tok_;
  bool skip_special_;
  std::string pending_;
};

}  // namespace grpo
