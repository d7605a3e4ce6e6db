// `choice`: multiple-choice answers. Extracts one option letter from the answer part — a bare
// letter possibly wrapped in $, \boxed{}, \text{}, ( ), **, or followed by a period; a leading
// "B) text" / "(B) text" / "B. text"; or "answer is B" — and compares it with the row's letter
// (read through the same extraction, so "B" and "(B)" both work). Called by RewardSet.
#include <re2/re2.h>

#include "rewards/builtin.h"
#include "rewards/completion_parts.h"
#include "rewards/reward_options.h"
#include "rewards/row_fields.h"

namespace grpo {
namespace {

struct ChoiceOptions {
  std::string letters = "ABCDE";
  std::string answer_field = "answer";
  std::string part = "answer";
  double match_score = 1.0;
  double no_match_score = 0.0;
  TagOptions tags;
  template <class V> void visit(V& v) {
    v(letters, "letters", "the option letters (upper case)");
    v(answer_field, "answer_field", "row field holding the correct letter");
    v(part, "part", "where the letter is read: answer | think | completion");
    v(match_score, "match_score", "score for the right letter");
    v(no_match_score, "no_match_score", "score for a wrong or missing letter");
    v(tags, "tags", "template tags");
  }
  void validate(ConfigCheck& c) const {
    c.require(parse_text_part(part).has_value(), "part", "must be answer, think or completion");
    bool ok = !letters.empty();
    for (char ch : letters) ok = ok && ch >= 'A' && ch <= 'Z';
    c.require(ok, "letters", "must be one or more upper-case letters A-Z");
  }
};

class ChoiceReward final : public Reward {
 public:
  explicit ChoiceReward(ChoiceOptions opts)
      : opts_(std::move(opts)),
        part_(*parse_text_part(opts_.part)),
        leading_("^\\(?([" + opts_.letters + "])[).:]\\s"),
        phrase_("(?i:answer)\\s*(?:(?i:is)|:)?\\s*(?:(?i:option)\\s*)?\\(?([" + opts_.letters + "])\\)?(?:[^A-Za-z]|$)") {}

  // The single option letter in `text`, or '\0'.
  char extract(std::string_view text) const {
    std::string s(trim_spaces(text));
    // Peel wrappers until a fixed point: $...$, \boxed{...}, \text{...}, (...), **...**, trailing '.'.
    for (bool changed = true; changed && !s.empty();) {
      changed = false;
      for (std::string_view prefix : {"\\boxed{", "\\text{", "\\textbf{", "\\mathrm{"}) {
        if (s.rfind(prefix, 0) == 0 && s.back() == '}') {
          s = std::string(trim_spaces(std::string_view(s).substr(prefix.size(), s.size() - prefix.size() - 1)));
          changed = true;
        }
      }
      for (auto [open, close] : {std::pair{'$', '$'}, {'(', ')'}, {'[', ']'}, {'*', '*'}}) {
        if (s.size() >= 2 && s.front() == open && s.back() == close) {
          s = std::string(trim_spaces(std::string_view(s).substr(1, s.size() - 2)));
          changed = true;
        }
      }
      if (!s.empty() && (s.back() == '.' || s.back() == ':')) {
        s.pop_back();
        changed = true;
      }
    }
    if (s.size() == 1 && opts_.letters.find(s[0]) != std::string::npos) return s[0];
    std::string letter;
    if (RE2::PartialMatch(s, leading_, &letter) || RE2::PartialMatch(s, phrase_, &letter)) return letter[0];
    return '\0';
  }

  RewardOutput score(const RewardInput& in) const override {
    auto gold_text = row_text(in, opts_.answer_field);
    if (!gold_text) return data_error(gold_text.error);
    const char gold = extract(*gold_text.value);
    if (gold == '\0')
      return data_error("row field '" + opts_.answer_field + "' holds no option letter of '" + opts_.letters + "': " +
                        *gold_text.value);
    RewardOutput out;
    out.score = opts_.no_match_score;
    const CompletionParts parts = split_completion(in, opts_.tags);
    auto text = select_part(parts, part_);
    const char got = text ? extract(*text) : '\0';
    out.details["extracted"] = got == '\0' ? std::string() : std::string(1, got);
    if (got != '\0' && got == gold) out.score = opts_.match_score;
    out.details["reason"] = !text ? "no_" + opts_.part : got == '\0' ? "no_letter" : got == gold ? "match" : "different";
    return out;
  }

 private:
  ChoiceOptions opts_;
  TextPart part_;
  RE2 leading_, phrase_;
};

}  // namespace

std::unique_ptr<Reward> make_choice(const ConfigNode& params) {
  return std::make_unique<ChoiceReward>(read_reward_options<ChoiceOptions>(params, "choice"));
}

}  // namespace grpo
