// Dataset rows -> token ids + trained mask (see sft_example.h).
#include "src/data/sft_example.h"

#include <algorithm>

#include "src/util/error.h"

namespace grpo {
namespace {

void append(SftExample& ex, const std::vector<TokenId>& ids, bool trained) {
  for (TokenId id : ids) {
    ex.tokens.push_back(id);
    ex.trained.push_back(trained ? 1 : 0);
  }
}

void finish(SftExample& ex) {
  if (!ex.trained.empty()) ex.trained[0] = 0;  // the first token has no prediction
}

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \n\t\r");
  return b == std::string::npos ? std::string() : rtrim(s.substr(b));
}

// Where the assistant message's text appears in `text` at or after `from`: its trimmed content, or
// (templates that drop the reasoning of earlier turns, e.g. Qwen3 and DeepSeek-R1) the trimmed part
// after its last "</think>". Returns {begin, needle} or npos.
std::pair<size_t, std::string> find_content(const std::string& text, size_t from, const std::string& content) {
  std::string needle = trim(content);
  size_t at = needle.empty() ? from : text.find(needle, from);
  if (at == std::string::npos) {
    const size_t think = content.rfind("</think>");
    if (think != std::string::npos) {
      needle = trim(content.substr(think + 8));
      at = needle.empty() ? from : text.find(needle, from);
    }
  }
  return {at, needle};
}

}  // namespace

int64_t SftExample::trained_tokens() const { return std::count(trained.begin(), trained.end(), uint8_t{1}); }

SftExample encode_prompt_completion(const Tokenizer& tok, const std::string& prompt_text, bool prompt_is_chat,
                                    const std::string& completion, int64_t eos_id) {
  SftExample ex;
  append(ex, tok.encode(prompt_text, /*add_special_tokens=*/!prompt_is_chat), false);
  append(ex, tok.encode(completion), true);
  if (eos_id >= 0) append(ex, {static_cast<TokenId>(eos_id)}, true);
  finish(ex);
  return ex;
}

SftExample encode_text(const Tokenizer& tok, const std::string& text, int64_t eos_id) {
  SftExample ex;
  append(ex, tok.encode(text, /*add_special_tokens=*/true), true);
  if (eos_id >= 0) append(ex, {static_cast<TokenId>(eos_id)}, true);
  finish(ex);
  return ex;
}

RenderedChat render_with_assistant_spans(const ChatTemplate& tmpl, const nlohmann::ordered_json& messages,
                                         const std::string& where) {
  RenderedChat out;
  out.text = tmpl.render(messages);
  size_t previous_end = 0;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].value("role", "") != "assistant") continue;
    const nlohmann::ordered_json before(messages.begin(), messages.begin() + static_cast<std::ptrdiff_t>(i));
    ChatRenderOptions gen;
    gen.add_generation_prompt = true;
    const std::string prefix = i == 0 ? std::string() : tmpl.render(before, gen);
    if (out.text.compare(0, prefix.size(), prefix) != 0 || prefix.size() < previous_end)
      fail("{}: messages[{}]: the chat template's rendering of the messages before this assistant turn (with the "
           "generation prompt) is not a prefix of the whole conversation, so its trained tokens cannot be located. "
           "HINT: use the prompt_completion format for this data, or a template that renders turns append-only",
           where, i);
    const size_t begin = prefix.size();
    const std::string content = messages[i].value("content", "");
    const auto [at, needle] = find_content(out.text, begin, content);
    if (at == std::string::npos)
      fail("{}: messages[{}]: the assistant content does not appear in the rendered conversation (the chat template "
           "rewrites it). HINT: use the prompt_completion format for this data",
           where, i);
    // Extend over the turn's closing marker: what follows the content when this turn is rendered last.
    const nlohmann::ordered_json upto(messages.begin(), messages.begin() + static_cast<std::ptrdiff_t>(i + 1));
    const std::string alone = tmpl.render(upto);
    size_t end = at + needle.size();
    std::string close;
    if (needle.empty()) {
      if (alone.size() >= begin) close = rtrim(alone.substr(begin));  // empty content: just the turn's markers
    } else {
      const size_t alone_at = alone.rfind(needle);
      if (alone_at != std::string::npos) close = rtrim(alone.substr(alone_at + needle.size()));
    }
    size_t k = 0;
    while (k < close.size() && end + k < out.text.size() && out.text[end + k] == close[k]) ++k;
    end += k;
    out.assistant_spans.emplace_back(begin, end);
    previous_end = end;
  }
  return out;
}

SftExample encode_messages(const Tokenizer& tok, const ChatTemplate& tmpl, const nlohmann::ordered_json& messages,
                           const std::string& where) {
  const RenderedChat chat = render_with_assistant_spans(tmpl, messages, where);
  SftExample ex;
  size_t pos = 0;
  for (const auto& [begin, end] : chat.assistant_spans) {
    append(ex, tok.encode(std::string_view(chat.text).substr(pos, begin - pos)), false);
    append(ex, tok.encode(std::string_view(chat.text).substr(begin, end - begin)), true);
    pos = end;
  }
  append(ex, tok.encode(std::string_view(chat.text).substr(pos)), false);
  finish(ex);
  return ex;
}

}  // namespace grpo
