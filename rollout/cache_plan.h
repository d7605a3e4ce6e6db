// How many KV-cache slots of which capacity a rollout reserves: explicit numbers, or as many slots as
// a memory budget holds. Pure arithmetic, called by the engine before each rollout. The caller turns
// "a fraction of free GPU memory" into bytes (the model adapter knows the device).
#pragma once
#include <cstdint>

namespace grpo {

struct CacheOptions {
  int64_t num_slots = 0;       // 0: as many as budget_bytes holds (at most the number of sequences)
  int64_t slot_capacity = 0;   // positions per slot; 0: the longest prompt + max_new_tokens of the rollout
  int64_t budget_bytes = int64_t{1} << 30;  // used when num_slots = 0
};

struct CachePlan {
  int64_t slots = 0, capacity = 0;
};

// The KV budget in bytes for a configured `gib` (GiB); 0 means the default: 16 GiB on a GPU, 4 GiB on the
// CPU. `grpo generate --cache-gb` and the trainer's `rollout.cache_gb` both go through here.
int64_t kv_budget_bytes(double gib, bool on_gpu);

// longest: max over requests of prompt length + max_new_tokens; sequences: total completions asked;
// bytes_per_position: Decoder::cache_bytes_per_position(). Throws grpo::Error (with a HINT) when the
// budget cannot hold one slot.
CachePlan plan_cache(const CacheOptions& opts, int64_t longest, int64_t sequences, int64_t bytes_per_position);

}  // namespace grpo
