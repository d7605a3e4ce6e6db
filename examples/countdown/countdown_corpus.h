// The "web text" a toy base model is pre-trained on: a Countdown question rendered exactly as the
// R1-Zero template renders it, then a free-form worked attempt (right or wrong, tagged or not,
// sometimes with a "wait, check:" reflection), then the eos text. gen_countdown writes one row per
// text; only train-split tasks may be passed in. Deterministic for a given Rng state.
#pragma once
#include <string>
#include <vector>

#include "examples/countdown/countdown_task.h"

namespace grpo::countdown {

struct CorpusOptions {
  double correct_frac = 0.35;  // texts whose final answer equals the target
  double tagged_frac = 0.5;    // texts in the full "<think> ... </think> <answer> ... </answer>" form
  double reflect_frac = 0.2;   // texts with a "wait, check: ..." line
  double slip_frac = 0.3;      // wrong texts that claim the target after an arithmetic slip
  int max_attempts = 3;        // most tries before the final one
  std::string eos = "<|endoftext|>";
};

// How the worked attempt is written; the fraction of kTagged is tagged_frac, the rest are
// split 2:1:1 between kPlain, kThinkOnly and kAnswerOnly.
enum class Style { kTagged, kPlain, kThinkOnly, kAnswerOnly };
const char* style_name(Style s);

struct CorpusText {
  std::string text;        // prompt + completion + eos
  std::string completion;  // the part after the prompt, without eos
  std::string answer;      // the final expression
  bool correct = false;    // answer uses each number once and equals the target
  bool reflected = false;
  Style style = Style::kTagged;
};

// The R1-Zero template (src/tokenizer/prompt_template.h) applied to prompt_text(task).
std::string render_prompt(const Task& task);

// solutions: all_solutions(task.nums, task.target, ops), non-empty.
CorpusText corpus_text(const Task& task, const std::vector<Expr>& solutions, const std::string& ops,
                       const CorpusOptions& opts, Rng& rng);

}  // namespace grpo::countdown
