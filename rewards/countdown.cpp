// `countdown` (TinyZero, verl/utils/reward_score/countdown.py): the answer is an equation over the
// row's numbers that must use each number exactly once, only + - * / and parentheses, and equal
// the row's target. Scores (defaults as TinyZero): no answer block 0, an answer that is wrong for
// any reason 0.1 (format_score), a correct one 1.0.
// Departures from TinyZero, on purpose: exact rational arithmetic instead of float eval with a
// 1e-5 tolerance (1 + 1/1000000 is not 1); the last <answer> block of the whole completion
// instead of only its last line; '.', '**' and unary minus are not allowed; optional integer-only
// intermediates and Unicode operators (× ÷ −).
#include <algorithm>

#include "rewards/arith_expr.h"
#include "rewards/builtin.h"
#include "rewards/completion_parts.h"
#include "rewards/reward_options.h"
#include "rewards/row_fields.h"

namespace grpo {
namespace {

struct CountdownOptions {
  std::string numbers_field = "nums";
  std::string target_field = "target";
  double correct_score = 1.0;
  double format_score = 0.1;
  double no_answer_score = 0.0;
  bool integer_only = false;
  bool unicode_operators = false;
  TagOptions tags;
  template <class V> void visit(V& v) {
    v(numbers_field, "numbers_field", "row field with the list of given numbers");
    v(target_field, "target_field", "row field with the target number");
    v(correct_score, "correct_score", "score when the equation is valid and equals the target");
    v(format_score, "format_score", "score when an answer is present but wrong or malformed");
    v(no_answer_score, "no_answer_score", "score when there is no <answer> block");
    v(integer_only, "integer_only", "reject non-integer intermediate results (classic Countdown; TinyZero allows them)");
    v(unicode_operators, "unicode_operators", "accept × · ÷ − – as * * / - - (TinyZero does not)");
    v(tags, "tags", "template tags (the answer is read from the answer block)");
  }
};

class CountdownReward final : public Reward {
 public:
  explicit CountdownReward(CountdownOptions opts) : opts_(std::move(opts)) {}

  RewardOutput score(const RewardInput& in) const override {
    auto numbers = row_integer_list(in, opts_.numbers_field);
    if (!numbers) return data_error(numbers.error);
    auto target = row_integer(in, opts_.target_field);
    if (!target) return data_error(target.error);

    RewardOutput out;
    const CompletionParts parts = split_completion(in, opts_.tags);
    if (!parts.answer) {
      out.score = opts_.no_answer_score;
      out.details["reason"] = "no_answer";
      return out;
    }
    std::string equation(trim_spaces(*parts.answer));
    out.details["equation"] = equation;
    if (opts_.unicode_operators) equation = ascii_operators(equation);
    out.score = opts_.format_score;

    const ExprResult r = evaluate_expression(equation, opts_.integer_only);
    std::vector<int64_t> used = r.numbers, given = *numbers.value;
    std::sort(used.begin(), used.end());
    std::sort(given.begin(), given.end());
    // Reasons in TinyZero's order of checks: the numbers, then the characters and the value.
    if (used != given) return with_reason(out, "numbers_mismatch", "each given number must be used exactly once");
    if (r.status != ExprStatus::kOk) return with_reason(out, expr_status_name(r.status), r.message);
    out.details["value"] = r.value.str();
    if (r.value != Rational{*target.value, 1}) return with_reason(out, "wrong_value", "");
    out.score = opts_.correct_score;
    out.details["reason"] = "correct";
    return out;
  }

 private:
  static RewardOutput with_reason(RewardOutput& out, const char* reason, const std::string& message) {
    out.details["reason"] = reason;
    if (!message.empty()) out.details["message"] = message;
    return std::move(out);
  }
  CountdownOptions opts_;
};

}  // namespace

std::unique_ptr<Reward> make_countdown(const ConfigNode& params) {
  return std::make_unique<CountdownReward>(read_reward_options<CountdownOptions>(params, "countdown"));
}

}  // namespace grpo
