// FIFO admission of (prompt, sample) pairs into free slots, preferring prefix copies from live siblings.
#include "rollout/scheduler.h"

#include <algorithm>

#include "src/util/error.h"

namespace grpo {

Scheduler::Scheduler(std::vector<int64_t> samples_per_prompt, int64_t num_slots)
    : samples_(std::move(samples_per_prompt)), next_sample_(samples_.size(), 0), live_(samples_.size()) {
  if (num_slots < 1) fail("rollout scheduler: {} KV slots; at least one is needed", num_slots);
  for (int64_t s = num_slots - 1; s >= 0; --s) free_.push_back(s);
  while (next_prompt_ < static_cast<int64_t>(samples_.size()) && samples_[next_prompt_] == 0) ++next_prompt_;
}

bool Scheduler::prompt_admitted(int64_t prompt) const { return next_sample_[prompt] >= samples_[prompt]; }

std::vector<GroupChunk> Scheduler::admit(const std::vector<int64_t>& prompt_lengths, int64_t max_prefill_tokens) {
  std::vector<GroupChunk> out;
  int64_t prefill_tokens = 0;
  while (!free_.empty() && !all_admitted()) {
    const int64_t p = next_prompt_;
    GroupChunk c;
    c.prompt = p;
    if (!live_[p].empty()) c.source_slot = live_[p].front();
    if (c.needs_prefill()) {
      if (!out.empty() && prefill_tokens + prompt_lengths[p] > max_prefill_tokens) break;
      prefill_tokens += prompt_lengths[p];
    }
    while (!free_.empty() && next_sample_[p] < samples_[p]) {
      c.samples.push_back(next_sample_[p]++);
      c.slots.push_back(free_.back());
      free_.pop_back();
    }
    live_[p].insert(live_[p].end(), c.slots.begin(), c.slots.end());
    out.push_back(std::move(c));
    if (prompt_admitted(p))
      do ++next_prompt_;
      while (next_prompt_ < static_cast<int64_t>(samples_.size()) && samples_[next_prompt_] == 0);
  }
  return out;
}

void Scheduler::finish(int64_t prompt, int64_t slot) {
  auto& live = live_.at(prompt);
  const auto it = std::find(live.begin(), live.end(), slot);
  if (it == live.end()) fail("rollout scheduler: slot {} is not live for prompt {}", slot, prompt);
  live.erase(it);
  free_.push_back(slot);
}

}  // namespace grpo
