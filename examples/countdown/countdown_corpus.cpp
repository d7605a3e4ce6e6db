// Worked attempts for the pre-training corpus (see countdown_corpus.h). A text is a short search:
// tries "3+5=8, 8*7=56, not 22." until one reaches the target ("..., yes.") or the writer gives
// up and answers its last try anyway. The base model thus learns the format and the arithmetic,
// and that some answers are right; GRPO must teach it to keep trying until a try is right.
#include "examples/countdown/countdown_corpus.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

#include "src/tokenizer/prompt_template.h"

namespace grpo::countdown {
namespace {

std::string joined(const std::vector<std::string>& steps) { return fmt::format("{}", fmt::join(steps, ", ")); }

// A wrong try: a random expression whose value is not the target; nullopt when every draw hits
// it (only when nearly all expressions over the numbers give the target).
std::optional<Expr> failed_expr(const Task& t, const std::string& ops, Rng& rng) {
  for (int i = 0; i < 50; ++i) {
    Expr e = random_expr(t.nums, ops, rng);
    if (e.value() != t.target) return e;
  }
  return std::nullopt;
}

std::string failed_line(const Expr& e, int64_t target) { return fmt::format("{}, not {}.", joined(e.steps()), target); }
std::string success_line(const Expr& e) { return joined(e.steps()) + ", yes."; }
// An arithmetic slip: the last step claims the target, though its operands give e.value().
std::string slip_line(const Expr& e, int64_t target) {
  std::vector<std::string> steps = e.steps();
  steps.back() = steps.back().substr(0, steps.back().rfind('=') + 1) + std::to_string(target);
  return joined(steps) + ", yes.";
}
std::string slip_check(const Expr& e, int64_t target) {
  return fmt::format("wait, check: {}, not {}.", e.steps().back(), target);
}

struct Plan {
  std::vector<std::string> lines;  // the tries, each ending in ". "
  std::string answer;
  bool correct = false;
};

// 0..max_attempts-1 wrong tries, then a solution. With reflection, either a slip is caught
// before the solution or the solution is checked again.
Plan right_plan(const Task& t, const std::vector<Expr>& solutions, const std::string& ops, const CorpusOptions& o,
                bool reflect, Rng& rng) {
  Plan p;
  const uint64_t fails = rng.below(uint64_t(o.max_attempts));
  for (uint64_t i = 0; i < fails; ++i)
    if (auto e = failed_expr(t, ops, rng)) p.lines.push_back(failed_line(*e, t.target));
  const Expr& sol = solutions[rng.below(solutions.size())];
  bool caught_slip = false;
  if (reflect && rng.chance(0.5)) {
    if (auto e = failed_expr(t, ops, rng)) {
      p.lines.push_back(slip_line(*e, t.target));
      p.lines.push_back(slip_check(*e, t.target));
      caught_slip = true;
    }
  }
  p.lines.push_back(success_line(sol));
  if (reflect && !caught_slip) p.lines.push_back("wait, check: " + success_line(sol));
  p.answer = sol.text();
  p.correct = true;
  return p;
}

// 1..max_attempts wrong tries, the last one answered anyway; sometimes the last one is a slip
// that claims the target. Reflection re-checks the last try (a caught slip is followed by one
// more wrong try, which is answered).
Plan wrong_plan(const Task& t, const std::vector<Expr>& solutions, const std::string& ops, const CorpusOptions& o,
                bool reflect, Rng& rng) {
  std::vector<Expr> tries;
  const uint64_t n = 1 + rng.below(uint64_t(o.max_attempts));
  for (uint64_t i = 0; i < n; ++i)
    if (auto e = failed_expr(t, ops, rng)) tries.push_back(std::move(*e));
  if (tries.empty()) return right_plan(t, solutions, ops, o, reflect, rng);  // every try hits the target
  Plan p;
  for (size_t i = 0; i + 1 < tries.size(); ++i) p.lines.push_back(failed_line(tries[i], t.target));
  const Expr& last = tries.back();
  p.answer = last.text();
  if (rng.chance(o.slip_frac)) {
    p.lines.push_back(slip_line(last, t.target));
    if (reflect) {
      p.lines.push_back(slip_check(last, t.target));
      if (auto e = failed_expr(t, ops, rng)) {
        p.lines.push_back(failed_line(*e, t.target));
        p.answer = e->text();
      }
    }
  } else {
    p.lines.push_back(failed_line(last, t.target));
    if (reflect) p.lines.push_back("wait, check: " + failed_line(last, t.target));
  }
  return p;
}

Style draw_style(const CorpusOptions& o, Rng& rng) {
  if (rng.chance(o.tagged_frac)) return Style::kTagged;
  const double u = rng.uniform();
  return u < 0.5 ? Style::kPlain : u < 0.75 ? Style::kThinkOnly : Style::kAnswerOnly;
}

std::string render_completion(Style style, const std::string& body, const std::string& answer) {
  switch (style) {
    case Style::kTagged: return " <think> " + body + " </think> <answer> " + answer + " </answer>";
    case Style::kPlain: return " " + body + " so the answer is " + answer + ".";
    case Style::kThinkOnly: return " <think> " + body + " </think> the answer is " + answer + ".";
    case Style::kAnswerOnly: return " " + body + " <answer> " + answer + " </answer>";
  }
  return "";
}

}  // namespace

const char* style_name(Style s) {
  switch (s) {
    case Style::kTagged: return "tagged";
    case Style::kPlain: return "plain";
    case Style::kThinkOnly: return "think_only";
    case Style::kAnswerOnly: return "answer_only";
  }
  return "?";
}

std::string render_prompt(const Task& task) {
  static const PromptTemplate r1_zero = PromptTemplate::create("r1_zero");
  return r1_zero.render(nlohmann::json{{"prompt", prompt_text(task)}});
}

CorpusText corpus_text(const Task& task, const std::vector<Expr>& solutions, const std::string& ops,
                       const CorpusOptions& opts, Rng& rng) {
  CorpusText out;
  out.reflected = rng.chance(opts.reflect_frac);
  const Plan plan = rng.chance(opts.correct_frac) ? right_plan(task, solutions, ops, opts, out.reflected, rng)
                                                  : wrong_plan(task, solutions, ops, opts, out.reflected, rng);
  out.style = draw_style(opts, rng);
  out.completion = render_completion(out.style, fmt::format("{}", fmt::join(plan.lines, " ")), plan.answer);
  out.answer = plan.answer;
  out.correct = plan.correct;
  out.text = render_prompt(task) + out.completion + opts.eos;
  return out;
}

}  // namespace grpo::countdown
