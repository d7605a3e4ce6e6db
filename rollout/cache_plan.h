// How many KV-cache slots of which capacity a rollout reserves: explicit numbers, or as many slots as
// a memory budget holds. Pure arithmetic, called by the engine before each rollout. The caller turns
// "a fraction of free GPU memory" into bytes (the model adapter knows the device).
#pragma once
#include <cstdint>

namespace grpo {

struct CacheOptions {
  int64_t num_slots = 0;                    // 0: as many as budget_bytes holds (at most the number of sequences)
  int64_t slot_capacity = 0;                // positions per slot; 0: the longest prompt + max_new_tokens, made odd
  int64_t budget_bytes = int64_t{1} << 30;  // used when num_slots = 0
};

struct CachePlan {
  int64_t slots = 0, capacity = 0;
};

// The KV budget in bytes for a configured `gib` (GiB); 0 means the default: 16 GiB on a GPU, 4 GiB on the
// CPU. `grpo generate --cache-gb` and the trainer's `rollout.cache_gb` both go through here.
int64_t kv_budget_bytes(double gib, bool on_gpu);

// The default slot capacity for `positions`: the next odd number. Slot s's keys start s x capacity x row bytes
// into each layer's cache, and the decode attention reads every slot's keys at the same offsets at once. On
// the H100 a stride that is a multiple of 5 x 64 KiB (e.g. 640 positions of 512-byte rows, Qwen2.5-1.5B) puts
// every slot's start on the same memory partition, and the attention streams 11-21% slower. An odd capacity
// leaves the stride only the row's own factor of two (2^8 to 2^11 bytes), so the starts spread over every
// partition (docs/benchmarks.md, "Slot strides that camp on one memory partition").
int64_t odd_slot_capacity(int64_t positions);

// longest: max over requests of prompt length + max_new_tokens; sequences: total completions asked;
// bytes_per_position: Decoder::cache_bytes_per_position(). Throws grpo::Error (with a HINT) when the
// budget cannot hold one slot.
CachePlan plan_cache(const CacheOptions& opts, int64_t longest, int64_t sequences, int64_t bytes_per_position);

}  // namespace grpo
