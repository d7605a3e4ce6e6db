// Finding the final answer in a completion: the last <answer>...</answer> block, the last
// \boxed{...} / \fbox{...} (nested braces), or a user's RE2 pattern. Called by
// rewards/accuracy_math.cpp before normalisation; pure and thread-safe; never throws.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace grpo::math {

// Text of the last `open`...`close` block, trimmed; nullopt when there is none (an opening tag
// without its closing tag does not count).
std::optional<std::string> answer_tag(std::string_view text, std::string_view open = "<answer>",
                                      std::string_view close = "</answer>");

// Content of the last \boxed{...} or \fbox{...}, braces matched. Like math-verify, boxes just
// before it are joined with a comma when little text separates them: under 10 characters, or under
// 70 characters that contain "and", "or", ',' or ';' ("\boxed{1} and \boxed{2}" -> "1,2"). An
// unclosed last box gives nullopt.
std::optional<std::string> last_boxed(std::string_view text);

// Last match of `pattern` in text: its first capture group when it has one, else the whole match.
std::optional<std::string> regex_answer(std::string_view text, const re2::RE2& pattern);

}  // namespace grpo::math
