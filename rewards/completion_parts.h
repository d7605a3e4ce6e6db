// Splits a completion into its R1 template parts: the reasoning between the think tags and the
// final answer between the answer tags. Shared by format, countdown, language_consistency,
// exact_match, choice and regex rules, so that "the answer part" means one thing everywhere.
// Pure string work; never throws.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "rewards/reward.h"
#include "src/config/config_node.h"

namespace grpo {

// The four tags of the template; every reward that reads parts has this as its `tags:` section.
struct TagOptions {
  std::string think_open = "<think>";
  std::string think_close = "</think>";
  std::string answer_open = "<answer>";
  std::string answer_close = "</answer>";
  template <class V> void visit(V& v) {
    v(think_open, "think_open", "opening tag of the reasoning");
    v(think_close, "think_close", "closing tag of the reasoning");
    v(answer_open, "answer_open", "opening tag of the final answer");
    v(answer_close, "answer_close", "closing tag of the final answer");
  }
  void validate(ConfigCheck& c) const;
};

struct CompletionParts {
  // The completion as the template sees it. R1-Zero prompts often end with the opening think tag
  // ("Assistant: <think>"), so the model's text starts inside the reasoning: when the prompt ends
  // with think_open (ignoring trailing whitespace) and the completion does not start with it, the
  // tag is prepended here.
  std::string text;
  std::optional<std::string> think;   // between the first think_open and the next think_close
  std::optional<std::string> answer;  // between the LAST answer_open and the answer_close after it
};

CompletionParts split_completion(const RewardInput& in, const TagOptions& tags);

// Which part a rule reads: "completion" | "think" | "answer" (validated by the caller's options).
enum class TextPart { kCompletion, kThink, kAnswer };
std::optional<TextPart> parse_text_part(std::string_view name);
// nullopt when the part is absent (no closed think block, no answer block).
std::optional<std::string_view> select_part(const CompletionParts& parts, TextPart part);

std::string_view trim_spaces(std::string_view s);  // ASCII whitespace on both ends

}  // namespace grpo
