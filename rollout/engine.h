// RolloutEngine: samples G completions per prompt from a Decoder with a slot KV cache — prefix sharing
// (one prefill per prompt, copied to its G slots), continuous batching (a finished slot is refilled from
// the queue at the next sync) and batched stop checks. The trainer and `grpo generate` call it:
//
//   RolloutEngine engine(decoder, EngineOptions{}, [&](auto ids) { return tok.decode(ids); });
//   RolloutResult r = engine.generate(prompts, /*G=*/8, params);   // r.completions[p*8 + g]
//
// Completions are a function of (decoder, params, seed, prompt index, sample index) only — not of the
// slot count, the batch composition or sync_interval — as long as the decoder's logits of a sequence do
// not depend on the other sequences in its batch (exactly so on CPU; see docs/rollout.md for GPU).
// Not thread-safe: one generate() at a time per engine. Errors a user can cause are grpo::Error.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "rollout/cache_plan.h"
#include "rollout/completion.h"
#include "rollout/decoder.h"
#include "rollout/sampling_params.h"
#include "rollout/stop_strings.h"

namespace grpo {

struct RolloutRequest {
  std::vector<TokenId> prompt;  // token ids, non-empty
  int64_t num_samples = 1;      // G
  SamplingParams params;
};

struct EngineOptions {
  CacheOptions cache;
  int64_t max_prefill_tokens = 8192;  // prompt tokens per prefill forward (one long prompt always passes)
  // Decode steps between host syncs. Each sync reads the previous interval's tokens on the host (their
  // copy was queued behind them while the device runs this interval), runs the stop checks and refills
  // finished slots; a larger interval means fewer syncs but up to 2·interval - 1 wasted steps per
  // sequence that stops on a token. Results do not depend on it.
  int64_t sync_interval = 1;
  bool release_cache = true;  // release the KV pool after generate() so the trainer gets the memory
};

// Called at each sync from generate()'s thread: completions finished so far, and in total.
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

class RolloutEngine {
 public:
  // `decoder` must outlive the engine. `detokenize` may be empty when no request has stop strings
  // (text is then left empty).
  RolloutEngine(Decoder& decoder, EngineOptions options, Detokenizer detokenize = {});

  RolloutResult generate(const std::vector<RolloutRequest>& requests, const ProgressFn& progress = {});
  // Same parameters and G for every prompt.
  RolloutResult generate(const std::vector<std::vector<TokenId>>& prompts, int64_t num_samples,
                         const SamplingParams& params, const ProgressFn& progress = {});

 private:
  Decoder& decoder_;
  EngineOptions options_;
  Detokenizer detokenize_;
};

}  // namespace grpo
