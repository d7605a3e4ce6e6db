// `exact_match`: the answer part (or the whole completion) equals a row field after light
// normalisation (trim, collapse inner whitespace, optional case folding of ASCII letters). For
// short string answers; math equivalence is `accuracy_math`'s job. Called by RewardSet.
#include <cctype>

#include "rewards/builtin.h"
#include "rewards/completion_parts.h"
#include "rewards/reward_options.h"
#include "rewards/row_fields.h"

namespace grpo {
namespace {

struct ExactMatchOptions {
  std::string answer_field = "answer";
  std::string part = "answer";
  bool case_sensitive = true;
  double match_score = 1.0;
  double no_match_score = 0.0;
  TagOptions tags;
  template <class V> void visit(V& v) {
    v(answer_field, "answer_field", "row field holding the reference answer");
    v(part, "part", "what is compared: answer | think | completion");
    v(case_sensitive, "case_sensitive", "false folds ASCII letters to lower case before comparing");
    v(match_score, "match_score", "score when equal");
    v(no_match_score, "no_match_score", "score when different or when the part is missing");
    v(tags, "tags", "template tags");
  }
  void validate(ConfigCheck& c) const {
    c.require(parse_text_part(part).has_value(), "part", "must be answer, think or completion");
  }
};

// Trim, collapse runs of whitespace to one space, optionally lower-case ASCII.
std::string normalise(std::string_view s, bool case_sensitive) {
  std::string out;
  bool space = false;
  for (char c : trim_spaces(s)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(case_sensitive ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

class ExactMatchReward final : public Reward {
 public:
  explicit ExactMatchReward(ExactMatchOptions opts) : opts_(std::move(opts)), part_(*parse_text_part(opts_.part)) {}

  RewardOutput score(const RewardInput& in) const override {
    auto gold = row_text(in, opts_.answer_field);
    if (!gold) return data_error(gold.error);
    const CompletionParts parts = split_completion(in, opts_.tags);
    RewardOutput out;
    out.score = opts_.no_match_score;
    auto text = select_part(parts, part_);
    if (!text) {
      out.details["reason"] = "no_" + opts_.part;
      return out;
    }
    const std::string got = normalise(*text, opts_.case_sensitive);
    const std::string want = normalise(*gold.value, opts_.case_sensitive);
    out.details["extracted"] = got;
    if (got == want) out.score = opts_.match_score;
    out.details["reason"] = got == want ? "match" : "different";
    return out;
  }

 private:
  ExactMatchOptions opts_;
  TextPart part_;
};

}  // namespace

std::unique_ptr<Reward> make_exact_match(const ConfigNode& params) {
  return std::make_unique<ExactMatchReward>(read_reward_options<ExactMatchOptions>(params, "exact_match"));
}

}  // namespace grpo
