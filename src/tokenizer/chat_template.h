// Chat templates: renders a tokenizer's Jinja `chat_template` for a conversation, giving the same
// string as transformers' apply_chat_template(messages, tokenize=False, add_generation_prompt=...).
// Parsing happens once (ChatTemplate is immutable; render() is const and thread-safe). Unsupported
// Jinja constructs throw grpo::Error naming the construct and its line/column.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "src/tokenizer/tokenizer.h"

namespace grpo {

namespace jinja {
struct Node;
}

struct ChatRenderOptions {
  bool add_generation_prompt = false;
  // Extra template variables (e.g. {"enable_thinking": false}); tools/documents are None unless set.
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
};

class ChatTemplate {
 public:
  // tmpl: Jinja source; bos/eos/pad: special-token strings exposed as bos_token, ... ("" = unset).
  ChatTemplate(std::string tmpl, std::string bos_token = "", std::string eos_token = "", std::string pad_token = "");
  static ChatTemplate from_tokenizer(const Tokenizer& tok);  // throws when the tokenizer has none
  ~ChatTemplate();
  ChatTemplate(ChatTemplate&&) noexcept;

  // messages: [{"role": ..., "content": ...}, ...] as transformers takes them.
  std::string render(const nlohmann::ordered_json& messages, const ChatRenderOptions& opts = {}) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> c_;
};

}  // namespace grpo
