// `accuracy_math`: 1 when the final answer of a completion is mathematically equivalent to the
// gold answer of the dataset row, following HF math-verify's rules (rewards/math/*). The
// trainer's reward registry builds it from YAML via make_accuracy_math. Torch-free; score() is
// thread-safe and never throws on bad data: an unparseable gold answer is reported in details.
#pragma once
#include <memory>
#include <string>

#include "rewards/reward.h"
#include "src/config/config.h"

namespace grpo {

struct AccuracyMathOptions {
  std::string source = "auto";  // where the predicted answer is
  std::string pattern;          // RE2 for source: regex
  std::string answer_open = "<answer>";
  std::string answer_close = "</answer>";
  std::string gold_field = "answer";
  double correct_score = 1.0;
  double wrong_score = 0.0;
  double no_answer_score = 0.0;
  double gold_error_score = 0.0;
  int float_rounding = 6;
  double rel_tol = 1e-9;
  int max_answer_chars = 1000;

  template <class V>
  void visit(V& v) {
    v(source, "source",
      "where the predicted answer is: auto (the <answer> block, else the last \\boxed{}), answer_tag, boxed, regex");
    v(pattern, "pattern", "RE2 pattern for source: regex; its first group (or the whole match) of the last match");
    v(answer_open, "answer_open", "opening tag of the answer block");
    v(answer_close, "answer_close", "closing tag of the answer block");
    v(gold_field, "gold_field", "field of the dataset row holding the gold answer (string or number)");
    v(correct_score, "correct_score", "score of an answer equivalent to the gold");
    v(wrong_score, "wrong_score", "score of an answer that is found but not equivalent (or does not parse)");
    v(no_answer_score, "no_answer_score", "score when no answer is found in the completion");
    v(gold_error_score, "gold_error_score", "score when the gold answer cannot be parsed (reported in details.gold_error)");
    v(float_rounding, "float_rounding", "decimals compared when either side is a decimal number (math-verify: 6)");
    v(rel_tol, "rel_tol", "relative tolerance for irrational values (sqrt, pi) and variables");
    v(max_answer_chars, "max_answer_chars", "longer extracted answers are scored as wrong without parsing");
  }
  void validate(ConfigCheck& check) const;
};

std::unique_ptr<Reward> make_accuracy_math(const ConfigNode& params);
// For tests and the CLI: the same reward from already-validated options.
std::unique_ptr<Reward> make_accuracy_math_from(const AccuracyMathOptions& options);

}  // namespace grpo
