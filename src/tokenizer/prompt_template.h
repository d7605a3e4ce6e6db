// Named prompt templates that turn a dataset row into the prompt text the policy sees:
//   "r1_zero" — the DeepSeek-R1-Zero template (arXiv:2501.12948, Table 1) with {prompt};
//   "chat"    — the tokenizer's chat_template with one user message {prompt} + generation prompt;
//   anything else is user text with {field} placeholders filled from the row ("{{"/"}}" = braces).
// Immutable after create(); render() is const and thread-safe.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/tokenizer/chat_template.h"

namespace grpo {

class PromptTemplate {
 public:
  // spec: "r1_zero", "chat", or template text. tok is needed for "chat" only (may be null otherwise).
  static PromptTemplate create(const std::string& spec, const Tokenizer* tok = nullptr);

  // row: a dataset row (JSON object); where: "file:line" for errors. A placeholder naming a field
  // the row lacks throws grpo::Error naming the field. Non-string fields are inserted as JSON.
  std::string render(const nlohmann::json& row, const std::string& where = "prompt") const;

  static const char* r1_zero_text();

 private:
  struct Part {
    std::string text;  // literal text, or the field name when is_field
    bool is_field;
  };
  std::vector<Part> parts_;
  std::shared_ptr<const ChatTemplate> chat_;  // set for "chat"
};

}  // namespace grpo
