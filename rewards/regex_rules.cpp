// `regex`: user rules without C++. Each rule searches one part of the completion (completion,
// think or answer) with an RE2 pattern and scores match_score or no_match_score; with `field`
// set, a match only counts when its capture (`capture`: group number or name, default the whole
// match) equals that dataset-row field under `compare`. The reward is the sum (or mean, min, max)
// of its rules' scores. Patterns are compiled and checked when the reward is built.
#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "rewards/builtin.h"
#include "rewards/completion_parts.h"
#include "rewards/reward_options.h"
#include "rewards/row_fields.h"

namespace grpo {
namespace {

struct RegexRule {
  std::string name;
  std::string pattern;
  std::string part = "completion";
  double match_score = 1.0;
  double no_match_score = 0.0;
  std::string capture;
  std::string field;
  std::string compare = "exact";
  template <class V> void visit(V& v) {
    v(name, "name", "label of the rule in details (default: rule index)");
    v(pattern, "pattern", "RE2 pattern, searched anywhere in the part (anchor with ^ $ for a full match)");
    v(part, "part", "text searched: completion | think | answer");
    v(match_score, "match_score", "score when the pattern matches (and the capture equals the field)");
    v(no_match_score, "no_match_score", "score otherwise (also when the part is missing)");
    v(capture, "capture", "group compared to `field`: a number or a group name (default: whole match)");
    v(field, "field", "row field the capture must equal (empty: no comparison)");
    v(compare, "compare", "exact | trimmed | casefold (trimmed, ASCII case-insensitive) | number");
  }
  void validate(ConfigCheck& c) const {
    RE2 re(pattern, RE2::Quiet);
    c.require(!pattern.empty(), "pattern", "must not be empty");
    c.require(re.ok(), "pattern", "is not a valid RE2 pattern: " + re.error());
    c.require(parse_text_part(part).has_value(), "part", "must be completion, think or answer");
    c.require(compare == "exact" || compare == "trimmed" || compare == "casefold" || compare == "number", "compare",
              "must be exact, trimmed, casefold or number");
    c.require(!re.ok() || group_index(re) >= 0, "capture",
              "names no group of the pattern (use a group number, a (?P<name>...) name, or leave it empty)");
  }
  // Index of the captured group (0 = whole match), -1 when `capture` names no group.
  int group_index(const RE2& re) const {
    if (capture.empty()) return 0;
    int index = -1;
    auto [ptr, ec] = std::from_chars(capture.data(), capture.data() + capture.size(), index);
    if (ec == std::errc() && ptr == capture.data() + capture.size())
      return index >= 0 && index <= re.NumberOfCapturingGroups() ? index : -1;
    auto it = re.NamedCapturingGroups().find(capture);
    return it == re.NamedCapturingGroups().end() ? -1 : it->second;
  }
};

struct RegexOptions {
  std::vector<RegexRule> rules;
  std::string combine = "sum";
  TagOptions tags;
  template <class V> void visit(V& v) {
    v(rules, "rules", "the rules, each {pattern, part, match_score, no_match_score, capture, field, compare}");
    v(combine, "combine", "how rule scores combine: sum | mean | min | max");
    v(tags, "tags", "template tags (for the think and answer parts)");
  }
  void validate(ConfigCheck& c) const {
    c.require(!rules.empty(), "rules", "must list at least one rule");
    c.require(combine == "sum" || combine == "mean" || combine == "min" || combine == "max", "combine",
              "must be sum, mean, min or max");
  }
};

bool equal_under(const std::string& mode, std::string_view got, std::string_view want) {
  if (mode == "exact") return got == want;
  got = trim_spaces(got), want = trim_spaces(want);
  if (mode == "trimmed") return got == want;
  if (mode == "casefold")
    return std::equal(got.begin(), got.end(), want.begin(), want.end(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                  std::tolower(static_cast<unsigned char>(b)); });
  // number: both parse fully as doubles and are equal
  auto parse = [](std::string_view s, double& out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(out);
  };
  double a = 0, b = 0;
  return parse(got, a) && parse(want, b) && a == b;
}

class RegexRulesReward final : public Reward {
 public:
  explicit RegexRulesReward(RegexOptions opts) : opts_(std::move(opts)) {
    for (const auto& rule : opts_.rules) {
      compiled_.push_back(std::make_unique<RE2>(rule.pattern, RE2::Quiet));
      groups_.push_back(rule.group_index(*compiled_.back()));
      parts_.push_back(*parse_text_part(rule.part));
    }
  }

  RewardOutput score(const RewardInput& in) const override {
    const CompletionParts parts = split_completion(in, opts_.tags);
    RewardOutput out;
    std::vector<double> scores;
    for (size_t i = 0; i < opts_.rules.size(); ++i) {
      const RegexRule& rule = opts_.rules[i];
      const std::string label = rule.name.empty() ? "rule" + std::to_string(i) : rule.name;
      Json detail = Json::object();
      bool ok = false;
      if (auto text = select_part(parts, parts_[i])) {
        const int g = groups_[i];
        std::vector<re2::StringPiece> groups(static_cast<size_t>(g) + 1);
        ok = compiled_[i]->Match(re2::StringPiece(text->data(), text->size()), 0, text->size(), RE2::UNANCHORED,
                                 groups.data(), g + 1);
        // An optional group that did not take part in the match captures "" (null data).
        const re2::StringPiece& cap = groups[static_cast<size_t>(g)];
        const std::string captured = cap.data() != nullptr ? std::string(cap.data(), cap.size()) : std::string();
        if (ok) detail["captured"] = captured;
        if (ok && !rule.field.empty()) {
          auto want = row_text(in, rule.field);
          if (!want) return data_error("rule '" + label + "': " + want.error);
          ok = equal_under(rule.compare, captured, *want.value);
        }
      } else {
        detail["reason"] = "no_" + rule.part;
      }
      detail["matched"] = ok;
      scores.push_back(ok ? rule.match_score : rule.no_match_score);
      out.details[label] = std::move(detail);
    }
    if (opts_.combine == "min") out.score = *std::min_element(scores.begin(), scores.end());
    else if (opts_.combine == "max") out.score = *std::max_element(scores.begin(), scores.end());
    else {
      for (double s : scores) out.score += s;
      if (opts_.combine == "mean") out.score /= static_cast<double>(scores.size());
    }
    return out;
  }

 private:
  RegexOptions opts_;
  std::vector<std::unique_ptr<RE2>> compiled_;
  std::vector<int> groups_;
  std::vector<TextPart> parts_;
};

}  // namespace

std::unique_ptr<Reward> make_regex_rules(const ConfigNode& params) {
  return std::make_unique<RegexRulesReward>(read_reward_options<RegexOptions>(params, "regex"));
}

}  // namespace grpo
