// Placeholder syntax is Python str.format's simplest form ({name}, {{ and }} escape braces), so
// templates written for Python GRPO recipes work unchanged.
#include "src/tokenizer/prompt_template.h"

#include "src/util/error.h"

namespace grpo {

const char* PromptTemplate::r1_zero_text() {
  // DeepSeek-R1 paper, Table 1; "prompt" is replaced by the question during training.
  return "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
         "The assistant first thinks about the reasoning process in the mind and then provides the user with the "
         "answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> "
         "tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>. "
         "User: {prompt}. Assistant:";
}

PromptTemplate PromptTemplate::create(const std::string& spec, const Tokenizer* tok) {
  PromptTemplate t;
  if (spec == "chat") {
    if (tok == nullptr) fail("prompt template 'chat' needs a tokenizer. HINT: set the model's tokenizer path");
    t.chat_ = std::make_shared<ChatTemplate>(ChatTemplate::from_tokenizer(*tok));
    t.parts_.push_back({"prompt", true});
    return t;
  }
  const std::string text = spec == "r1_zero" ? r1_zero_text() : spec;
  std::string lit;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      lit += c, ++i;
    } else if (c == '{') {
      const size_t end = text.find('}', i);
      if (end == std::string::npos)
        fail("prompt template: '{{' at offset {} is never closed. HINT: write {{{{ for a literal brace", i);
      if (!lit.empty()) t.parts_.push_back({lit, false}), lit.clear();
      const std::string field = text.substr(i + 1, end - i - 1);
      if (field.empty() || field.find_first_of("{ ") != std::string::npos)
        fail("prompt template: bad placeholder '{{{}}}' at offset {}. HINT: use {{field}} with a dataset field name",
             field, i);
      t.parts_.push_back({field, true});
      i = end;
    } else if (c == '}') {
      fail("prompt template: unmatched '}}' at offset {}. HINT: write }}}} for a literal brace", i);
    } else {
      lit += c;
    }
  }
  if (!lit.empty()) t.parts_.push_back({lit, false});
  return t;
}

std::string PromptTemplate::render(const nlohmann::json& row, const std::string& where) const {
  std::string out;
  for (const Part& p : parts_) {
    if (!p.is_field) {
      out += p.text;
      continue;
    }
    auto it = row.is_object() ? row.find(p.text) : row.end();
    if (!row.is_object() || it == row.end())
      fail(
          "{}: missing field '{}' required by the prompt template. HINT: add it to every row, or change the "
          "template's placeholders",
          where, p.text);
    out += it->is_string() ? it->get<std::string>() : it->dump();
  }
  if (!chat_) return out;
  nlohmann::ordered_json messages = nlohmann::ordered_json::array({{{"role", "user"}, {"content", out}}});
  return chat_->render(messages, ChatRenderOptions{true, nlohmann::ordered_json::object()});
}

}  // namespace grpo
