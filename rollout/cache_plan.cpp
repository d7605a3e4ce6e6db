// Slot count and capacity from explicit options or a byte budget.
#include "rollout/cache_plan.h"

#include <algorithm>

#include "src/util/error.h"

namespace grpo {

int64_t kv_budget_bytes(double gib, bool on_gpu) {
  if (gib < 0) fail("rollout cache: a budget of {} GiB must be >= 0 (0 = the default)", gib);
  if (gib == 0) return (on_gpu ? int64_t{16} : int64_t{4}) << 30;
  return static_cast<int64_t>(gib * static_cast<double>(int64_t{1} << 30));
}

int64_t odd_slot_capacity(int64_t positions) { return positions % 2 == 0 ? positions + 1 : positions; }

CachePlan plan_cache(const CacheOptions& opts, int64_t longest, int64_t sequences, int64_t bytes_per_position) {
  if (opts.num_slots < 0 || opts.slot_capacity < 0 || opts.budget_bytes < 0)
    fail("rollout cache: num_slots ({}), slot_capacity ({}) and budget_bytes ({}) must be >= 0", opts.num_slots,
         opts.slot_capacity, opts.budget_bytes);
  CachePlan plan;
  plan.capacity = opts.slot_capacity > 0 ? opts.slot_capacity : odd_slot_capacity(longest);
  if (opts.num_slots > 0) {
    plan.slots = std::min(opts.num_slots, std::max<int64_t>(sequences, 1));
    return plan;
  }
  const int64_t per_slot = std::max<int64_t>(bytes_per_position, 1) * plan.capacity;
  plan.slots = std::min(opts.budget_bytes / per_slot, std::max<int64_t>(sequences, 1));
  if (plan.slots < 1)
    fail(
        "rollout cache: a budget of {} bytes holds no slot of {} positions ({} bytes each). HINT: raise the "
        "cache budget, or lower max_new_tokens / the slot capacity",
        opts.budget_bytes, plan.capacity, per_slot);
  return plan;
}

}  // namespace grpo
