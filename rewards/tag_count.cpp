// `tag_count` (open-r1's tag_count_reward): 0.25 for each of the four template markers that
// occurs exactly once (non-overlapping count, as Python's str.count):
//   "<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>"
// A dense signal that steers toward the newline layout of open-r1's strict format. Tags configurable.
#include "rewards/builtin.h"
#include "rewards/completion_parts.h"
#include "rewards/reward_options.h"

namespace grpo {
namespace {

struct TagCountOptions {
  double per_tag = 0.25;
  TagOptions tags;
  template <class V> void visit(V& v) {
    v(per_tag, "per_tag", "score for each marker present exactly once");
    v(tags, "tags", "template tags");
  }
};

size_t count_non_overlapping(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

class TagCountReward final : public Reward {
 public:
  explicit TagCountReward(TagCountOptions opts) : opts_(std::move(opts)) {
    const TagOptions& t = opts_.tags;
    markers_ = {t.think_open + "\n", "\n" + t.think_close + "\n", "\n" + t.answer_open + "\n", "\n" + t.answer_close};
  }

  RewardOutput score(const RewardInput& in) const override {
    const std::string text = split_completion(in, opts_.tags).text;
    RewardOutput out;
    int present = 0;
    for (const auto& m : markers_) present += count_non_overlapping(text, m) == 1 ? 1 : 0;
    out.score = opts_.per_tag * present;
    out.details["present"] = present;
    return out;
  }

 private:
  TagCountOptions opts_;
  std::vector<std::string> markers_;
};

}  // namespace

std::unique_ptr<Reward> make_tag_count(const ConfigNode& params) {
  return std::make_unique<TagCountReward>(read_reward_options<TagCountOptions>(params, "tag_count"));
}

}  // namespace grpo
