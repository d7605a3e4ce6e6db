// `language_consistency` (DeepSeek-R1, arXiv:2501.12948 §2.3.2): the proportion of words of the
// chain of thought written in the target language, here judged by Unicode script
// (rewards/unicode_script.h). Languages that share a script (English and French) are not told
// apart. The target comes from a row field (language_field) when present, else from `language`.
// Score = words in the target's scripts / all words; a part without words scores `empty_score`.
#include <fmt/format.h>

#include "rewards/builtin.h"
#include "rewards/completion_parts.h"
#include "rewards/reward_options.h"
#include "rewards/row_fields.h"
#include "rewards/unicode_script.h"

namespace grpo {
namespace {

struct LanguageOptions {
  std::string language;
  std::string language_field = "language";
  std::string part = "think";
  double empty_score = 0.0;
  TagOptions tags;
  template <class V> void visit(V& v) {
    v(language, "language", "target language code (en, zh, ja, ru...) or script name; used when the row has none");
    v(language_field, "language_field", "row field with the target language (empty: always use `language`)");
    v(part, "part", "text judged: think | answer | completion");
    v(empty_score, "empty_score", "score when the part is missing or has no words");
    v(tags, "tags", "template tags");
  }
  void validate(ConfigCheck& c) const {
    c.require(parse_text_part(part).has_value(), "part", "must be think, answer or completion");
    c.require(language.empty() || scripts_for_language(language).has_value(), "language",
              fmt::format("unknown language '{}'. HINT: use an ISO 639-1 code (en, zh, ja, ko, ru, ar...) or a script "
                          "name (latin, han, cyrillic...)",
                          language));
    c.require(!language.empty() || !language_field.empty(), "language",
              "set `language` or `language_field` (where the target language comes from)");
  }
};

class LanguageConsistencyReward final : public Reward {
 public:
  explicit LanguageConsistencyReward(LanguageOptions opts)
      : opts_(std::move(opts)), part_(*parse_text_part(opts_.part)) {}

  RewardOutput score(const RewardInput& in) const override {
    std::string language = opts_.language;
    if (!opts_.language_field.empty() && in.row != nullptr && in.row->contains(opts_.language_field)) {
      auto field = row_text(in, opts_.language_field);
      if (!field) return data_error(field.error);
      language = *field.value;
    }
    if (language.empty()) return data_error(fmt::format("row has no field '{}' and no `language` is configured",
                                                        opts_.language_field));
    auto scripts = scripts_for_language(language);
    if (!scripts) return data_error(fmt::format("unknown language '{}'", language));

    RewardOutput out;
    out.score = opts_.empty_score;
    out.details["language"] = language;
    const CompletionParts parts = split_completion(in, opts_.tags);
    auto text = select_part(parts, part_);
    if (!text) {
      out.details["reason"] = "no_" + opts_.part;
      return out;
    }
    const ScriptCounts counts = count_words_by_script(*text);
    int64_t in_target = 0;
    Json per_script = Json::object();
    for (const auto& [script, n] : counts.words) {
      per_script[script_name(script)] = n;
      for (Script s : *scripts) in_target += s == script ? n : 0;
    }
    out.details["words"] = per_script;
    if (counts.total > 0) out.score = static_cast<double>(in_target) / static_cast<double>(counts.total);
    else out.details["reason"] = "no_words";
    return out;
  }

 private:
  LanguageOptions opts_;
  TextPart part_;
};

}  // namespace

std::unique_ptr<Reward> make_language_consistency(const ConfigNode& params) {
  return std::make_unique<LanguageConsistencyReward>(
      read_reward_options<LanguageOptions>(params, "language_consistency"));
}

}  // namespace grpo
