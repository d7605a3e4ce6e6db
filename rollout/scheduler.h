// Continuous-batching admission: which queued (prompt, sample) pairs get which free KV slots, and
// whether a prompt must be prefilled or can copy its prefix from a live sibling slot. Host-only
// bookkeeping for rollout/engine.cpp; it runs no model and touches no tensor.
#pragma once
#include <cstdint>
#include <vector>

namespace grpo {

// Samples of one prompt admitted together. Their KV prefix comes from `source_slot` (a live sibling
// that already holds the prompt) or, when source_slot = -1, from a prefill into slots[0].
struct GroupChunk {
  int64_t prompt = 0;
  std::vector<int64_t> samples;  // sample indices, ascending
  std::vector<int64_t> slots;    // one per sample
  int64_t source_slot = -1;
  bool needs_prefill() const { return source_slot < 0; }
};

class Scheduler {
 public:
  // samples_per_prompt[p] = G_p completions of prompt p; num_slots = KV slots in the pool.
  Scheduler(std::vector<int64_t> samples_per_prompt, int64_t num_slots);

  // Fills free slots from the queue in (prompt, sample) order, whole groups when they fit and partial
  // groups otherwise (the rest of a group waits at the head of the queue). Prefills are limited to
  // max_prefill_tokens prompt tokens per call, but the first one is always admitted.
  std::vector<GroupChunk> admit(const std::vector<int64_t>& prompt_lengths, int64_t max_prefill_tokens);
  // A sequence of `prompt` finished: its slot returns to the pool.
  void finish(int64_t prompt, int64_t slot);

  bool all_admitted() const { return next_prompt_ >= static_cast<int64_t>(samples_.size()); }
  // Whether every sample of `prompt` has been admitted (its first-token logits can be dropped).
  bool prompt_admitted(int64_t prompt) const;
  int64_t free_slots() const { return static_cast<int64_t>(free_.size()); }

 private:
  std::vector<int64_t> samples_;       // G_p
  std::vector<int64_t> next_sample_;   // first sample of p not yet admitted
  std::vector<std::vector<int64_t>> live_;  // live slots of each prompt
  std::vector<int64_t> free_;          // free slots, taken from the back (lowest index first)
  int64_t next_prompt_ = 0;            // head of the queue
};

}  // namespace grpo
