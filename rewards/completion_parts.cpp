// Tag scanning for the R1 template (plain find, no regex: tags are literal strings).
#include "rewards/completion_parts.h"


namespace grpo {

void TagOptions::validate(ConfigCheck& c) const {
  c.require(!think_open.empty(), "think_open", "must not be empty");
  c.require(!think_close.empty(), "think_close", "must not be empty");
  c.require(!answer_open.empty(), "answer_open", "must not be empty");
  c.require(!answer_close.empty(), "answer_close", "must not be empty");
}

std::string_view trim_spaces(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(first, last - first + 1);
}

CompletionParts split_completion(const RewardInput& in, const TagOptions& tags) {
  CompletionParts parts;
  const std::string_view prompt_end = trim_spaces(in.prompt);
  const bool prompt_opens_think = prompt_end.size() >= tags.think_open.size() &&
                                  prompt_end.substr(prompt_end.size() - tags.think_open.size()) == tags.think_open;
  const bool completion_opens_think = trim_spaces(in.completion).substr(0, tags.think_open.size()) == tags.think_open;
  if (prompt_opens_think && !completion_opens_think) parts.text = tags.think_open;
  parts.text.append(in.completion);

  const std::string_view text = parts.text;
  if (auto open = text.find(tags.think_open); open != std::string_view::npos) {
    const size_t begin = open + tags.think_open.size();
    if (auto close = text.find(tags.think_close, begin); close != std::string_view::npos)
      parts.think = std::string(text.substr(begin, close - begin));
  }
  // Last complete answer block: scan answer_open from the back until one has a close after it.
  for (size_t pos = text.rfind(tags.answer_open); pos != std::string_view::npos;
       pos = pos == 0 ? std::string_view::npos : text.rfind(tags.answer_open, pos - 1)) {
    const size_t begin = pos + tags.answer_open.size();
    if (auto close = text.find(tags.answer_close, begin); close != std::string_view::npos) {
      parts.answer = std::string(text.substr(begin, close - begin));
      break;
    }
  }
  return parts;
}

std::optional<TextPart> parse_text_part(std::string_view name) {
  if (name == "completion") return TextPart::kCompletion;
  if (name == "think") return TextPart::kThink;
  if (name == "answer") return TextPart::kAnswer;
  return std::nullopt;
}

std::optional<std::string_view> select_part(const CompletionParts& parts, TextPart part) {
  switch (part) {
    case TextPart::kCompletion: return std::string_view(parts.text);
    case TextPart::kThink: return parts.think ? std::optional<std::string_view>(*parts.think) : std::nullopt;
    case TextPart::kAnswer: return parts.answer ? std::optional<std::string_view>(*parts.answer) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace grpo
