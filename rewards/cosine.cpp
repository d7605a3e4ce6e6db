// `cosine`: length scaling by correctness (Yeo et al., "Demystifying Long Chain-of-Thought
// Reasoning in LLMs", arXiv:2502.03373, its cosine length-scaling reward). With L = completion
// tokens and L_max = max_length,
//   CosFn(L) = r_L + ½ (r_0 − r_L) (1 + cos(π L / L_max))      (r_0 at L = 0, r_L at L = L_max)
// using (r_0, r_L) = (correct_at_zero, correct_at_max) for a correct sample — shorter is better —
// and (wrong_at_zero, wrong_at_max) for a wrong one — longer is penalised less; a truncated sample
// (finish_reason "length", or L >= L_max) gets exceed_score (the paper's r_e).
// Correctness comes from either a row field (`correct_field`: a bool, or a number >= threshold)
// or a wrapped reward (`correctness: {name: accuracy_math, params: ...}`, correct when its score
// >= correct_threshold); the wrapped reward's details are passed through under "correctness".
#include <cmath>
#include <numbers>

#include "rewards/builtin.h"
#include "rewards/reward_options.h"
#include "rewards/row_fields.h"

namespace grpo {
namespace {

struct InnerRewardSpec {
  std::string name;
  ConfigNode params;
  template <class V> void visit(V& v) {
    v(name, "name", "registry name of the reward that decides correctness");
    v(params, "params", "its parameters");
  }
};

struct CosineOptions {
  int64_t max_length = 0;
  double correct_at_zero = 1.0;
  double correct_at_max = 0.5;
  double wrong_at_zero = -1.0;
  double wrong_at_max = -0.5;
  double exceed_score = -1.0;
  std::string correct_field;
  InnerRewardSpec correctness;
  double correct_threshold = 1.0;
  template <class V> void visit(V& v) {
    v(max_length, "max_length", "L_max in tokens (usually the generation limit)");
    v(correct_at_zero, "correct_at_zero", "r_0^c: reward of a correct sample of length 0 (paper: 2.0)");
    v(correct_at_max, "correct_at_max", "r_L^c: reward of a correct sample of length L_max (paper: 1.0)");
    v(wrong_at_zero, "wrong_at_zero", "r_0^w: reward of a wrong sample of length 0 (paper: -10)");
    v(wrong_at_max, "wrong_at_max", "r_L^w: reward of a wrong sample of length L_max (paper: 0)");
    v(exceed_score, "exceed_score", "r_e: reward of a truncated sample (paper: -10)");
    v(correct_field, "correct_field", "row field saying whether the sample is correct (bool or number)");
    v(correctness, "correctness", "a reward whose score decides correctness (instead of correct_field)");
    v(correct_threshold, "correct_threshold", "correct when the field / wrapped score is >= this");
  }
  void validate(ConfigCheck& c) const {
    c.require(max_length > 0, "max_length", "must be > 0 (tokens)");
    c.require(correct_field.empty() != correctness.name.empty(), "correct_field",
              "set exactly one of correct_field and correctness.name (where correctness comes from)");
  }
};

class CosineReward final : public Reward {
 public:
  CosineReward(CosineOptions opts, std::unique_ptr<Reward> inner) : opts_(std::move(opts)), inner_(std::move(inner)) {}

  RewardOutput score(const RewardInput& in) const override {
    if (in.completion_tokens < 0) return data_error("completion_tokens is unknown (needed by cosine)");
    RewardOutput out;
    double signal = 0.0;
    if (inner_) {
      RewardOutput inner = inner_->score(in);
      if (inner.details.contains("error")) return data_error("correctness: " + inner.details["error"].get<std::string>());
      signal = inner.score;
      out.details["correctness"] = std::move(inner.details);
    } else {
      const Json* v = in.row != nullptr && in.row->is_object() && in.row->contains(opts_.correct_field)
                          ? &(*in.row)[opts_.correct_field] : nullptr;
      if (v == nullptr || !(v->is_boolean() || v->is_number()))
        return data_error("row field '" + opts_.correct_field + "' is missing or not a bool/number");
      signal = v->is_boolean() ? (v->get<bool>() ? 1.0 : 0.0) : v->get<double>();
    }
    const bool correct = signal >= opts_.correct_threshold;
    out.details["correct"] = correct;
    const int64_t L = in.completion_tokens;
    if (in.finish_reason == "length" || L >= opts_.max_length) {
      out.score = opts_.exceed_score;
      out.details["exceeded"] = true;
      return out;
    }
    const double r0 = correct ? opts_.correct_at_zero : opts_.wrong_at_zero;
    const double rL = correct ? opts_.correct_at_max : opts_.wrong_at_max;
    const double t = static_cast<double>(L) / static_cast<double>(opts_.max_length);
    out.score = rL + 0.5 * (r0 - rL) * (1.0 + std::cos(std::numbers::pi * t));
    return out;
  }

 private:
  CosineOptions opts_;
  std::unique_ptr<Reward> inner_;
};

}  // namespace

std::unique_ptr<Reward> make_cosine(const ConfigNode& params, const RewardRegistry& registry) {
  auto opts = read_reward_options<CosineOptions>(params, "cosine");
  std::unique_ptr<Reward> inner;
  if (!opts.correctness.name.empty()) {
    const ConfigNode spec = params.child("correctness");
    registry.require_known(opts.correctness.name, spec.child("name").location());
    inner = registry.make(opts.correctness.name, spec.child("params"));
  }
  return std::make_unique<CosineReward>(std::move(opts), std::move(inner));
}

}  // namespace grpo
