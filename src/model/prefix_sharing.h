// Which KV-cache slots hold the same keys [0, len): the G samples of one prompt after prefix sharing
// (copy_slot_prefix), so that a decode step can read those keys once per group instead of once per sample
// (decode_attention's shared-prefix pass). Host-side bookkeeping only; the cache itself is untouched.
#pragma once
#include <cstdint>
#include <vector>

namespace grpo {

// One decode batch's grouping, as the attention kernels read it (int32, so it can be copied to the device as is).
struct PrefixPlan {
  static constexpr int64_t kHeader = 2;  // a group row: source cache row, shared keys, then the member rows
  int64_t width = 0;                     // kHeader + the most members a group row holds
  int64_t groups = 0;                    // group rows in use
  std::vector<int32_t> suffix_begin;     // [n]: the first key row i reads on its own (0 outside any group)
  std::vector<int32_t> table;            // [max_groups, width]: unused rows and member places are -1
};

class PrefixSharing {
 public:
  // Forgets every group: `slots` slots, none sharing anything.
  void reset(int64_t slots);

  // Slots `dst` now hold a copy of slot src's keys [0, length): src and dst share them.
  void copied(int64_t src, const std::vector<int64_t>& dst, int64_t length);
  // Slot `slot` is written from position `start` on: if that is inside its shared keys, it shares nothing any more.
  void written(int64_t slot, int64_t start);
  // Keys slot `slot` shares with its group (0 if it is in none).
  int64_t shared_length(int64_t slot) const;

  // The grouping of a batch whose row i decodes in slot slots[i]: rows of one group (at least two in this batch,
  // sharing at least min_keys keys) go into group rows of at most max_members members, split evenly, reading the
  // shared keys from the first member's slot (cache row slot·capacity). Rows past slots.size() up to `rows` are
  // padding (in no group). The table has max(1, rows / 2) group rows: with max_members ≥ 3, every group row has
  // two members or more.
  PrefixPlan plan(const std::vector<int64_t>& slots, int64_t rows, int64_t capacity, int64_t max_members,
                  int64_t min_keys) const;

 private:
  std::vector<int64_t> group_;   // per slot: its group id, or -1
  std::vector<int64_t> length_;  // per slot: the shared keys of its group
  int64_t next_group_ = 0;
};

}  // namespace grpo
