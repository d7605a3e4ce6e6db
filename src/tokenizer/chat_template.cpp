// Glue between the Jinja interpreter and callers: the variables transformers passes to a chat
// template (messages, tools=None, documents=None, add_generation_prompt, the special-token strings).
#include "src/tokenizer/chat_template.h"

#include "src/tokenizer/jinja_eval.h"
#include "src/util/error.h"

namespace grpo {

struct ChatTemplate::Compiled {
  std::string source;
  jinja::Body body;
  std::string bos, eos, pad;
};

ChatTemplate::ChatTemplate(std::string tmpl, std::string bos_token, std::string eos_token, std::string pad_token)
    : c_(std::make_unique<Compiled>()) {
  c_->source = std::move(tmpl);
  c_->body = jinja::parse(c_->source);
  c_->bos = std::move(bos_token), c_->eos = std::move(eos_token), c_->pad = std::move(pad_token);
}

ChatTemplate ChatTemplate::from_tokenizer(const Tokenizer& tok) {
  if (tok.chat_template().empty())
    fail(
        "{}: the tokenizer has no chat_template. HINT: use a model directory whose tokenizer_config.json has one, "
        "or a plain prompt template",
        tok.source());
  return ChatTemplate(tok.chat_template(), tok.bos_token(), tok.eos_token(), tok.pad_token());
}

ChatTemplate::~ChatTemplate() = default;
ChatTemplate::ChatTemplate(ChatTemplate&&) noexcept = default;

std::string ChatTemplate::render(const nlohmann::ordered_json& messages, const ChatRenderOptions& opts) const {
  if (!messages.is_array())
    fail("chat template: messages must be a JSON array. HINT: pass [{{\"role\":..., \"content\":...}}]");
  std::vector<std::pair<std::string, jinja::Value>> globals = {
      {"messages", jinja::Value::from_json(messages)},
      {"add_generation_prompt", jinja::Value::boolean(opts.add_generation_prompt)},
      {"tools", jinja::Value::none()},
      {"documents", jinja::Value::none()},
  };
  const std::pair<const char*, const std::string*> specials[] = {
      {"bos_token", &c_->bos}, {"eos_token", &c_->eos}, {"pad_token", &c_->pad}};
  for (const auto& [name, value] : specials)
    if (!value->empty()) globals.emplace_back(name, jinja::Value::string(*value));
  for (const auto& [k, v] : opts.extra.items()) globals.emplace_back(k, jinja::Value::from_json(v));
  return jinja::render(c_->body, c_->source, globals);
}

}  // namespace grpo
