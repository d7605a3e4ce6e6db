// What a rollout returns: one Completion per (prompt, sample), plus whole-rollout statistics.
// Plain data; produced by rollout/engine.cpp, consumed by the trainer and `grpo generate`.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rollout/sampling_params.h"

namespace grpo {

enum class FinishReason { kStop, kLength };
std::string_view finish_reason_name(FinishReason r);  // "stop" | "length"

struct Completion {
  int64_t prompt_index = 0, sample_index = 0;
  std::vector<TokenId> token_ids;  // generated ids; ends with the stop token / the token completing a stop string
  std::vector<float> logprobs;     // log_softmax(logits / T)[token], one per token_ids entry
  std::string text;                // decoded; without the stop token, cut before the stop string
  FinishReason finish_reason = FinishReason::kLength;
  TokenId stop_token = -1;         // the id that stopped it, or -1
  std::string stop_string;         // the stop string that stopped it, or empty
  double first_token_s = 0.0;      // seconds from the start of the rollout to the first token
  double finish_s = 0.0;           // ... to the host seeing the last token
};

struct RolloutStats {
  double wall_s = 0.0;
  double prefill_s = 0.0;          // host time spent in prefill forwards + prefix copies
  double decode_s = 0.0;           // host time spent in decode forwards + sampling
  double sync_s = 0.0;             // device->host copies and stop checks
  int64_t prompt_tokens = 0;       // sum of prompt lengths over all completions (what no sharing would prefill)
  int64_t prefill_tokens = 0;      // prompt tokens actually run through the model
  int64_t generated_tokens = 0;    // tokens returned
  int64_t decode_steps = 0;        // batched decode forwards
  int64_t prefill_calls = 0;
  int64_t slots = 0, slot_capacity = 0;
  double tokens_per_s() const { return wall_s > 0 ? static_cast<double>(generated_tokens) / wall_s : 0.0; }
};

struct RolloutResult {
  std::vector<Completion> completions;  // ordered by (prompt_index, sample_index)
  RolloutStats stats;
};

}  // namespace grpo
