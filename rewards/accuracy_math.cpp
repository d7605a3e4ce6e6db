// The math accuracy reward (see accuracy_math.h): extract -> normalise -> parse -> compare, with
// every step's result in details so that a wrong verdict can be traced from `grpo reward` output.
#include "rewards/accuracy_math.h"

#include <re2/re2.h>

#include "rewards/math/answer.h"
#include "rewards/math/equivalence.h"
#include "rewards/math/extract.h"
#include "rewards/math/normalize.h"

namespace grpo {
namespace {

using math::MathAnswer;

struct Extracted {
  std::optional<std::string> text;
  std::string source;
};

// The gold may hold its own \boxed{} (MATH solutions) or a GSM8K "#### 42" tail.
std::string gold_answer_text(const std::string& raw) {
  if (raw.find("\\boxed") != std::string::npos || raw.find("\\fbox") != std::string::npos)
    if (auto b = math::last_boxed(raw)) return *b;
  if (const size_t hashes = raw.rfind("####"); hashes != std::string::npos) return raw.substr(hashes + 4);
  return raw;
}

class AccuracyMath final : public Reward {
 public:
  explicit AccuracyMath(AccuracyMathOptions o) : opts_(std::move(o)) {
    if (opts_.source == "regex") regex_ = std::make_unique<RE2>(opts_.pattern);
    eq_.float_rounding = opts_.float_rounding;
    eq_.rel_tol = opts_.rel_tol;
  }

  RewardOutput score(const RewardInput& in) const override {
    RewardOutput out;
    Json& d = out.details;
    const Extracted pred = extract(in.completion);
    d["source"] = pred.source;
    if (!pred.text || pred.text->empty()) return verdict(out, "no_answer", opts_.no_answer_score, "no answer found");
    d["extracted"] = *pred.text;

    std::string gold_raw;
    if (!read_gold(in, gold_raw, d)) return verdict(out, "gold_error", opts_.gold_error_score, "gold answer missing");
    const std::string gold_norm = math::normalize_answer(gold_answer_text(gold_raw));
    d["gold_normalized"] = gold_norm;
    if (static_cast<int>(pred.text->size()) > opts_.max_answer_chars)
      return verdict(out, "wrong", opts_.wrong_score, "answer longer than max_answer_chars");
    const std::string pred_norm = math::normalize_answer(*pred.text);
    d["pred_normalized"] = pred_norm;

    const math::ParsedAnswer gold = math::parse_answer(gold_norm);
    const math::ParsedAnswer guess = math::parse_answer(pred_norm);
    if (guess.value) d["pred_parsed"] = math::describe(*guess.value);
    if (!gold.value || !has_value(*gold.value)) {
      d["gold_error"] = gold.value ? "the gold answer has no value (division by zero?)" : gold.error;
      // Like math-verify, two unparseable answers still match when their text is the same.
      if (!gold_norm.empty() && gold_norm == pred_norm)
        return verdict(out, "correct", opts_.correct_score, "same text (gold does not parse)");
      return verdict(out, "gold_error", opts_.gold_error_score, "gold answer does not parse");
    }
    d["gold_parsed"] = math::describe(*gold.value);
    if (!guess.value) return verdict(out, "wrong", opts_.wrong_score, "prediction does not parse: " + guess.error);
    const math::Verdict v = math::equivalent(*gold.value, *guess.value, eq_);
    return verdict(out, v.equal ? "correct" : "wrong", v.equal ? opts_.correct_score : opts_.wrong_score, v.reason);
  }

 private:
  static RewardOutput& verdict(RewardOutput& out, const char* verdict, double score, const std::string& reason) {
    out.score = score;
    out.details["verdict"] = verdict;
    out.details["reason"] = reason;
    return out;
  }

  // A scalar gold without variables must evaluate (\frac{1}{0} does not).
  static bool has_value(const MathAnswer& a) {
    if (a.kind != math::AnswerKind::kScalar || a.expr.kind == math::NodeKind::kText) return true;
    std::set<std::string> vars;
    math::collect_variables(a.expr, vars);
    return !vars.empty() || math::contains_text(a.expr) || math::evaluate(a.expr).has_value();
  }

  bool read_gold(const RewardInput& in, std::string& gold, Json& d) const {
    if (in.row == nullptr || !in.row->is_object() || !in.row->contains(opts_.gold_field)) {
      d["gold_error"] = "the dataset row has no field '" + opts_.gold_field + "'";
      return false;
    }
    const Json& g = (*in.row)[opts_.gold_field];
    if (g.is_string()) gold = g.get<std::string>();
    else if (g.is_number()) gold = g.dump();
    else {
      d["gold_error"] = "field '" + opts_.gold_field + "' is a " + std::string(g.type_name()) + ", not a string or number";
      return false;
    }
    return true;
  }

  Extracted extract(std::string_view completion) const {
    const std::string& s = opts_.source;
    if (s == "regex") return {math::regex_answer(completion, *regex_), "regex"};
    if (s == "answer_tag" || s == "auto") {
      if (auto tag = math::answer_tag(completion, opts_.answer_open, opts_.answer_close)) {
        // A box inside the answer block is the answer ("<answer>\boxed{4}</answer>").
        if (auto boxed = math::last_boxed(*tag)) return {boxed, "answer_tag+boxed"};
        return {tag, "answer_tag"};
      }
      if (s == "answer_tag") return {std::nullopt, "answer_tag"};
    }
    return {math::last_boxed(completion), "boxed"};
  }

  AccuracyMathOptions opts_;
  math::EquivalenceOptions eq_;
  std::unique_ptr<RE2> regex_;
};

}  // namespace

void AccuracyMathOptions::validate(ConfigCheck& check) const {
  check.require(source == "auto" || source == "answer_tag" || source == "boxed" || source == "regex", "source",
                "must be auto, answer_tag, boxed or regex, got '" + source + "'. HINT: use auto unless your template differs");
  if (source == "regex") {
    RE2 re(pattern, RE2::Quiet);
    check.require(!pattern.empty(), "pattern", "is required for source: regex. HINT: e.g. 'Answer: (.+)'");
    check.require(pattern.empty() || re.ok(), "pattern",
                  "is not a valid RE2 pattern (" + re.error() + "). HINT: RE2 has no lookarounds or backreferences");
  }
  check.require(!answer_open.empty() && !answer_close.empty(), "answer_open",
                "answer_open and answer_close must not be empty. HINT: the defaults are <answer> and </answer>");
  check.require(!gold_field.empty(), "gold_field", "must name a field of the dataset row. HINT: e.g. answer");
  check.require(float_rounding >= 0 && float_rounding <= 15, "float_rounding", "must be in [0, 15]. HINT: math-verify uses 6");
  check.require(rel_tol >= 0 && rel_tol < 1, "rel_tol", "must be in [0, 1). HINT: 1e-9");
  check.require(max_answer_chars > 0, "max_answer_chars", "must be positive. HINT: 1000");
}

std::unique_ptr<Reward> make_accuracy_math_from(const AccuracyMathOptions& options) {
  return std::make_unique<AccuracyMath>(options);
}

std::unique_ptr<Reward> make_accuracy_math(const ConfigNode& params) {
  AccuracyMathOptions options;
  ConfigErrors errors;
  read_config(options, params, errors);
  if (errors.empty()) validate_config(options, errors, params.path);
  errors.throw_if_any(params.file.empty() ? std::string("accuracy_math") : params.file);
  return make_accuracy_math_from(options);
}

}  // namespace grpo
