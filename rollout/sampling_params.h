// SamplingParams: how one request's completions are drawn (temperature, truncation, stop conditions,
// seed). Plain data with documented sentinels; validate() reports every bad field at once. Used by the
// engine and, at merge time, filled from `grpo generate` flags and the trainer's rollout config.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace grpo {

using TokenId = int32_t;

struct SamplingParams {
  float temperature = 1.0f;     // logits / T; T = 0 means greedy
  float top_p = 1.0f;           // nucleus mass in (0, 1]; 1 = off
  int64_t top_k = 0;            // keep the k largest logits (ties at the k-th value kept); 0 = off
  float min_p = 0.0f;           // keep p_i >= min_p * max_j p_j, in [0, 1]; 0 = off
  int64_t max_new_tokens = 256; // finish "length" after this many tokens (also capped by the slot capacity)
  std::vector<TokenId> eos_token_ids;   // the model's end-of-sequence ids (tokenizer / generation_config)
  std::vector<TokenId> stop_token_ids;  // extra ids that end a completion (finish "stop")
  std::vector<std::string> stop_strings;  // matched on decoded text, see rollout/stop_strings.h
  uint64_t seed = 0;            // completions are a function of (seed, prompt index, sample index)
  bool greedy = false;          // argmax of the logits; truncation and noise are skipped
  bool ignore_eos = false;      // eos_token_ids do not stop (stop_token_ids and stop_strings still do)

  bool is_greedy() const { return greedy || temperature == 0.0f; }
  // Empty when valid; otherwise one "field: problem. HINT: ..." line per bad field.
  std::vector<std::string> problems() const;
  // Throws grpo::Error listing problems(), each prefixed with `where` (e.g. "--top-p" or "config.yaml:12").
  void validate(const std::string& where) const;
};

}  // namespace grpo
