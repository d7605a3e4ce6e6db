// The reward interface. A reward turns one finished sample (prompt, completion, dataset row) into
// a score plus named details; rewards are registered by name (rewards/registry.h) and combined with
// weights from config. Torch-free by design: text and metadata in, a number out, so that rules
// compile fast, test without tensors, and plug-ins need no LibTorch.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace grpo {

using Json = nlohmann::json;

// One sample to score. Views stay valid for the duration of the score call only.
struct RewardInput {
  std::string_view prompt;         // the rendered prompt text (template applied)
  std::string_view completion;     // the generated text (stop string removed)
  int64_t completion_tokens = -1;  // number of generated tokens; -1 = unknown (length rewards report it)
  std::string_view finish_reason;  // "stop" | "length"
  const Json* row = nullptr;       // the dataset row (ground truth, target, numbers, language, ...)
};

struct RewardOutput {
  double score = 0.0;
  Json details = Json::object();  // named details for logs and `grpo reward` ("extracted": "42", ...)
};

// Interface only (no implementation inheritance). Implementations must be thread-safe: a batch
// is scored from several threads at once (rewards/reward_set.h). Errors in the *data* (an
// unparseable gold answer, a missing row field) are reported as details["error"] (a string; the
// RewardSet counts them per function), never thrown; a misconfigured reward throws grpo::Error
// when it is built.
class Reward {
 public:
  virtual ~Reward() = default;
  virtual RewardOutput score(const RewardInput& in) const = 0;
  // Rewards that are cheaper per batch (remote HTTP) override this to score many samples in one
  // call; returning false means "score one at a time with score()".
  virtual bool score_batch(std::span<const RewardInput> inputs, std::vector<RewardOutput>& outputs) const {
    (void)inputs;
    (void)outputs;
    return false;
  }
};

}  // namespace grpo
