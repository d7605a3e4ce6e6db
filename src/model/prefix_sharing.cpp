// Prefix groups of the KV-cache slots and their per-step plan (see prefix_sharing.h).
#include "src/model/prefix_sharing.h"

#include <algorithm>
#include <map>

#include "src/util/error.h"

namespace grpo {

void PrefixSharing::reset(int64_t slots) {
  group_.assign(static_cast<size_t>(slots), -1);
  length_.assign(static_cast<size_t>(slots), 0);
}

void PrefixSharing::copied(int64_t src, const std::vector<int64_t>& dst, int64_t length) {
  const auto in_range = [&](int64_t s) { return s >= 0 && s < static_cast<int64_t>(group_.size()); };
  if (!in_range(src)) fail("prefix sharing: source slot {} outside the {} slots", src, group_.size());
  for (int64_t d : dst)
    if (!in_range(d) || d == src) fail("prefix sharing: slot {} cannot receive slot {}'s prefix", d, src);
  if (length <= 0) return;
  // src keeps its group when that group shares exactly these keys (a later part of a group copies from a
  // sibling); otherwise src and dst start a new one, and src's former siblings stay a group among themselves.
  if (group_[src] < 0 || length_[src] != length) {
    group_[src] = next_group_++;
    length_[src] = length;
  }
  for (int64_t d : dst) group_[d] = group_[src], length_[d] = length;
}

void PrefixSharing::written(int64_t slot, int64_t start) {
  if (slot < 0 || slot >= static_cast<int64_t>(group_.size()) || start >= length_[slot]) return;
  group_[slot] = -1;
  length_[slot] = 0;
}

int64_t PrefixSharing::shared_length(int64_t slot) const {
  return slot >= 0 && slot < static_cast<int64_t>(group_.size()) ? length_[slot] : 0;
}

PrefixPlan PrefixSharing::plan(const std::vector<int64_t>& slots, int64_t rows, int64_t capacity, int64_t max_members,
                               int64_t min_keys) const {
  const auto n = static_cast<int64_t>(slots.size());
  if (rows < n || max_members < 3) fail("prefix sharing: plan for {} rows of {} with {} members", n, rows, max_members);
  PrefixPlan p;
  p.width = PrefixPlan::kHeader + max_members;
  p.suffix_begin.assign(static_cast<size_t>(rows), 0);
  const int64_t max_groups = std::max<int64_t>(1, rows / 2);
  p.table.assign(static_cast<size_t>(max_groups * p.width), -1);

  std::map<int64_t, std::vector<int64_t>> members;  // group id -> its rows in this batch, in row order
  for (int64_t i = 0; i < n; ++i) {
    const int64_t s = slots[i];
    if (s >= 0 && s < static_cast<int64_t>(group_.size()) && group_[s] >= 0 && length_[s] >= min_keys)
      members[group_[s]].push_back(i);
  }
  for (const auto& [id, group_rows] : members) {
    const auto size = static_cast<int64_t>(group_rows.size());
    if (size < 2) continue;
    // k = ⌈size/M⌉ rows of ⌊size/k⌋ or ⌈size/k⌉ members. Each has at least two: for size > M, size/k ≥
    // size·M/(size + M − 1) ≥ (M + 1)/2 ≥ 2 when M ≥ 3. So there are never more group rows than rows / 2.
    const int64_t k = (size + max_members - 1) / max_members;
    int64_t next = 0;
    for (int64_t c = 0; c < k; ++c) {
      const int64_t count = size / k + (c < size % k ? 1 : 0);
      if (p.groups == max_groups) fail("prefix sharing: more than {} group rows for {} rows", max_groups, rows);
      int32_t* g = p.table.data() + p.groups * p.width;
      const int64_t first = group_rows[static_cast<size_t>(next)];
      const int64_t length = length_[slots[first]];
      g[0] = static_cast<int32_t>(slots[first] * capacity);
      g[1] = static_cast<int32_t>(length);
      for (int64_t j = 0; j < count; ++j) {
        const int64_t row = group_rows[static_cast<size_t>(next + j)];
        g[PrefixPlan::kHeader + j] = static_cast<int32_t>(row);
        p.suffix_begin[row] = static_cast<int32_t>(length);
      }
      next += count;
      ++p.groups;
    }
  }
  return p;
}

}  // namespace grpo
