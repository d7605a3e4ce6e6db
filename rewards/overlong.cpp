// `overlong`: DAPO's soft overlong punishment (arXiv:2503.14476, Eq. 13), on the completion's
// token count |y|:
//   R(y) = 0                                  if |y| <= L_max - L_cache
//        = ((L_max - L_cache) - |y|) / L_cache  if L_max - L_cache < |y| <= L_max
//        = -1                                 if |y| > L_max
// L_max = max_length, L_cache = cache_length. Added to the task reward (weight 1 in DAPO).
#include "rewards/builtin.h"
#include "rewards/reward_options.h"
#include "rewards/row_fields.h"

namespace grpo {
namespace {

struct OverlongOptions {
  int64_t max_length = 0;
  int64_t cache_length = 0;
  template <class V> void visit(V& v) {
    v(max_length, "max_length", "L_max: beyond this many completion tokens the reward is -1 (DAPO: 20480)");
    v(cache_length, "cache_length", "L_cache: the penalty ramps from 0 to -1 over the last this many tokens (DAPO: 4096)");
  }
  void validate(ConfigCheck& c) const {
    c.require(max_length > 0, "max_length", "must be > 0 (the length limit in tokens)");
    c.require(cache_length > 0 && cache_length <= max_length, "cache_length", "must be in (0, max_length]");
  }
};

class OverlongReward final : public Reward {
 public:
  explicit OverlongReward(OverlongOptions opts) : opts_(opts) {}

  RewardOutput score(const RewardInput& in) const override {
    if (in.completion_tokens < 0) return data_error("completion_tokens is unknown (needed by overlong)");
    const int64_t y = in.completion_tokens, soft = opts_.max_length - opts_.cache_length;
    RewardOutput out;
    if (y <= soft) out.score = 0.0;
    else if (y <= opts_.max_length) out.score = static_cast<double>(soft - y) / static_cast<double>(opts_.cache_length);
    else out.score = -1.0;
    out.details["tokens"] = y;
    return out;
  }

 private:
  OverlongOptions opts_;
};

}  // namespace

std::unique_ptr<Reward> make_overlong(const ConfigNode& params) {
  return std::make_unique<OverlongReward>(read_reward_options<OverlongOptions>(params, "overlong"));
}

}  // namespace grpo
