// The one list of built-in rewards. Help texts here feed `grpo reward --list` and docs/rewards.md.
#include "rewards/builtin.h"

#include "rewards/accuracy_math.h"

namespace grpo {

void add_builtin_rewards(RewardRegistry& r) {
  r.add("accuracy_math", make_accuracy_math,
        "math answer equivalence: <answer> / last \\boxed{} vs the row's gold (math-verify semantics)");
  r.add("format", make_format_think_answer, "R1 template <think>...</think><answer>...</answer>; strict or lenient");
  r.add("countdown", make_countdown, "TinyZero countdown: equation uses each number once and equals the target");
  r.add("exact_match", make_exact_match, "answer part equals a row field (after trimming / case folding)");
  r.add("choice", make_choice, "multiple-choice letter in the answer equals the row's letter");
  r.add("language_consistency", make_language_consistency,
        "fraction of reasoning words in the target language's script (DeepSeek-R1 §2.3.2)");
  r.add("overlong", make_overlong, "DAPO soft overlong punishment (arXiv:2503.14476 Eq. 13)");
  r.add("cosine", [&r](const ConfigNode& p) { return make_cosine(p, r); },
        "cosine length scaling by correctness (arXiv:2502.03373, cosine length-scaling reward)");
  r.add("repetition", make_repetition, "n-gram repetition penalty (arXiv:2502.03373 App. C.2)");
  r.add("tag_count", make_tag_count, "0.25 per template tag present exactly once (open-r1)");
  r.add("regex", make_regex_rules, "user regex rules (RE2) over completion / think / answer");
  r.add("remote", make_remote, "scores from a user's HTTP server (JSON batch protocol)");
}

}  // namespace grpo
