// `format`: the DeepSeek-R1 template "<think> reasoning </think> <answer> answer </answer>".
//   strict:  the whole completion is exactly one think block then one answer block, with only
//            whitespace around them, and each tag occurs exactly once;
//   lenient: the four tags occur somewhere, in this order (text may surround them).
// Matching uses RE2 over literal (quoted) tags. Called by RewardSet; reads only the completion.
#include <re2/re2.h>

#include "rewards/builtin.h"
#include "rewards/completion_parts.h"
#include "rewards/reward_options.h"

namespace grpo {
namespace {

struct FormatOptions {
  std::string mode = "strict";
  double match_score = 1.0;
  double no_match_score = 0.0;
  TagOptions tags;
  template <class V> void visit(V& v) {
    v(mode, "mode", "strict (whole completion is the template) | lenient (tags present, in order)");
    v(match_score, "match_score", "score when the completion follows the template");
    v(no_match_score, "no_match_score", "score otherwise");
    v(tags, "tags", "the template's tags");
  }
  void validate(ConfigCheck& c) const {
    c.require(mode == "strict" || mode == "lenient", "mode", "must be 'strict' or 'lenient'");
  }
};

size_t count_occurrences(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

class FormatReward final : public Reward {
 public:
  explicit FormatReward(FormatOptions opts) : opts_(std::move(opts)), re_(pattern(opts_), RE2::Quiet) {}

  RewardOutput score(const RewardInput& in) const override {
    const CompletionParts parts = split_completion(in, opts_.tags);
    bool ok = opts_.mode == "strict" ? RE2::FullMatch(parts.text, re_) : RE2::PartialMatch(parts.text, re_);
    if (ok && opts_.mode == "strict") {
      // ".*" inside the blocks could swallow a second block: each tag must occur once.
      for (const std::string* tag : {&opts_.tags.think_open, &opts_.tags.think_close, &opts_.tags.answer_open,
                                     &opts_.tags.answer_close})
        ok = ok && count_occurrences(parts.text, *tag) == 1;
    }
    RewardOutput out;
    out.score = ok ? opts_.match_score : opts_.no_match_score;
    out.details["matched"] = ok;
    return out;
  }

 private:
  static std::string pattern(const FormatOptions& o) {
    const std::string to = RE2::QuoteMeta(o.tags.think_open), tc = RE2::QuoteMeta(o.tags.think_close);
    const std::string ao = RE2::QuoteMeta(o.tags.answer_open), ac = RE2::QuoteMeta(o.tags.answer_close);
    if (o.mode == "strict") return "(?s)\\s*" + to + ".*" + tc + "\\s*" + ao + ".*" + ac + "\\s*";
    return "(?s)" + to + ".*?" + tc + ".*?" + ao + ".*?" + ac;
  }

  FormatOptions opts_;
  RE2 re_;
};

}  // namespace

std::unique_ptr<Reward> make_format_think_answer(const ConfigNode& params) {
  return std::make_unique<FormatReward>(read_reward_options<FormatOptions>(params, "format"));
}

}  // namespace grpo
