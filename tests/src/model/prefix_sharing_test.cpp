// Prefix groups of KV-cache slots and the per-batch plan the shared-prefix attention reads, against tables
// written out by hand.
#include "src/model/prefix_sharing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "src/model/prefix_chunk_scale.h"
#include "test_util.h"

namespace grpo {
namespace {

constexpr int64_t kCap = 1000;  // slot capacity: a group's source is cache row slot·1000

// Group row g of a plan as (source row, shared keys, members...) without the -1 padding.
std::vector<int32_t> group_row(const PrefixPlan& p, int64_t g) {
  std::vector<int32_t> r;
  for (int64_t j = 0; j < p.width; ++j) {
    const int32_t v = p.table[static_cast<size_t>(g * p.width + j)];
    if (j < PrefixPlan::kHeader || v >= 0) r.push_back(v);
  }
  return r;
}

TEST(PrefixSharing, BatchRowsOfOneGroupShareItsKeys) {
  PrefixSharing s;
  s.reset(6);
  s.copied(0, {1, 2, 3}, 100);
  // Rows 0..3 decode in slots 3, 5, 0, 1 (slot 2 is not in this batch); two padding rows follow.
  const auto p = s.plan({3, 5, 0, 1}, 6, kCap, 16, 64);
  EXPECT_EQ(p.width, 18);
  EXPECT_EQ(p.groups, 1);
  EXPECT_EQ(p.suffix_begin, (std::vector<int32_t>{100, 0, 100, 100, 0, 0}));
  ASSERT_EQ(p.table.size(), 3u * 18u);                                     // 6 rows / 2 group rows
  EXPECT_EQ(group_row(p, 0), (std::vector<int32_t>{3000, 100, 0, 2, 3}));  // source: the first member's slot 3
  EXPECT_EQ(group_row(p, 1), (std::vector<int32_t>{-1, -1}));              // unused
  EXPECT_EQ(s.shared_length(2), 100);
  EXPECT_EQ(s.shared_length(5), 0);
}

TEST(PrefixSharing, ShortPrefixesAndLoneMembersAreNotGrouped) {
  PrefixSharing s;
  s.reset(8);
  s.copied(0, {1}, 63);     // under min_keys = 64
  s.copied(2, {3, 4}, 64);  // exactly min_keys
  s.copied(5, {6}, 500);    // only slot 6 is in the batch
  const auto p = s.plan({0, 1, 2, 3, 6}, 5, kCap, 16, 64);
  EXPECT_EQ(p.groups, 1);
  EXPECT_EQ(p.suffix_begin, (std::vector<int32_t>{0, 0, 64, 64, 0}));
  EXPECT_EQ(group_row(p, 0), (std::vector<int32_t>{2000, 64, 2, 3}));
}

TEST(PrefixSharing, AWriteInsideTheSharedKeysEndsTheSharing) {
  PrefixSharing s;
  s.reset(4);
  s.copied(0, {1, 2}, 200);
  s.written(1, 200);  // a decode step past the prompt: still shared
  EXPECT_EQ(s.shared_length(1), 200);
  s.written(0, 0);  // slot 0 takes a new prompt
  EXPECT_EQ(s.shared_length(0), 0);
  const auto p = s.plan({0, 1, 2}, 4, kCap, 16, 64);
  EXPECT_EQ(p.suffix_begin, (std::vector<int32_t>{0, 200, 200, 0}));
  EXPECT_EQ(group_row(p, 0), (std::vector<int32_t>{1000, 200, 1, 2}));  // the siblings keep their copies
}

TEST(PrefixSharing, LaterPartsJoinTheirSiblingsGroup) {
  PrefixSharing s;
  s.reset(6);
  s.copied(0, {1}, 150);
  s.written(0, 0);           // slot 0 finished and was refilled
  s.copied(1, {4, 5}, 150);  // the rest of the group copies from the live sibling in slot 1
  auto p = s.plan({1, 4, 5}, 3, kCap, 16, 64);
  EXPECT_EQ(p.groups, 1);
  EXPECT_EQ(group_row(p, 0), (std::vector<int32_t>{1000, 150, 0, 1, 2}));
  // A copy of a different length starts a new group for source and destination; the old siblings stay one.
  s.copied(4, {2}, 120);
  p = s.plan({1, 4, 5, 2}, 4, kCap, 16, 64);
  EXPECT_EQ(p.groups, 2);
  EXPECT_EQ(group_row(p, 0), (std::vector<int32_t>{1000, 150, 0, 2}));
  EXPECT_EQ(group_row(p, 1), (std::vector<int32_t>{4000, 120, 1, 3}));
  EXPECT_EQ(p.suffix_begin, (std::vector<int32_t>{150, 120, 150, 120}));
}

TEST(PrefixSharing, LargeGroupsSplitEvenly) {
  PrefixSharing s;
  s.reset(40);
  std::vector<int64_t> dst, batch{0};
  for (int64_t i = 1; i < 20; ++i) dst.push_back(i), batch.push_back(i);
  s.copied(0, dst, 300);
  // 20 members, at most 8 a row: ⌈20/8⌉ = 3 rows of 7, 7 and 6, in row order.
  auto p = s.plan(batch, 20, kCap, 8, 64);
  ASSERT_EQ(p.groups, 3);
  EXPECT_EQ(group_row(p, 0), (std::vector<int32_t>{0, 300, 0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(group_row(p, 1), (std::vector<int32_t>{7000, 300, 7, 8, 9, 10, 11, 12, 13}));
  EXPECT_EQ(group_row(p, 2), (std::vector<int32_t>{14000, 300, 14, 15, 16, 17, 18, 19}));
  // 17 members, at most 16 a row: 9 and 8 (never a row of one).
  batch.resize(17);
  p = s.plan(batch, 17, kCap, 16, 64);
  ASSERT_EQ(p.groups, 2);
  EXPECT_EQ(group_row(p, 0).size(), 2u + 9u);
  EXPECT_EQ(group_row(p, 1).size(), 2u + 8u);
}

TEST(PrefixSharing, BadSlotsAndPlansAreErrors) {
  PrefixSharing s;
  s.reset(3);
  EXPECT_NE(test::error_of([&] { s.copied(3, {0}, 10); }).find("source slot 3"), std::string::npos);
  EXPECT_NE(test::error_of([&] { s.copied(0, {0}, 10); }).find("slot 0 cannot receive"), std::string::npos);
  EXPECT_NE(test::error_of([&] { s.plan({0, 1}, 1, kCap, 16, 64); }).find("plan for 2 rows of 1"), std::string::npos);
}

// The chunk scale the prefix pass picks from its table: items per scale computed here from the rows' shared
// keys, the choice against the cost k + 1/2 per item over ⌈items / ctas⌉ rounds worked out by hand.
int chunk_scale_for(const std::vector<int>& shared_keys, int kv_heads, int ctas) {
  constexpr int kBaseChunk = 128;
  int items[kMaxPrefixChunkScale] = {};
  for (int k = 1; k <= kMaxPrefixChunkScale; ++k)
    for (int len : shared_keys) items[k - 1] += (len + k * kBaseChunk - 1) / (k * kBaseChunk) * kv_heads;
  return choose_prefix_chunk_scale(items, ctas);
}

TEST(PrefixChunkScale, MergesChunksOnlyWhenTheyTakeMoreThanOneRound) {
  // 16 rows x 8 chunks x 2 heads = 256 items fit 264 CTAs: cost 1 round x 3 at k = 1, 1 x 5 at k = 2.
  EXPECT_EQ(chunk_scale_for(std::vector<int>(16, 1024), 2, 264), 1);
  // 32 rows: 512 items take 2 rounds (cost 6) at k = 1, 256 items 1 round (5) at k = 2, 192 items 1 round (7) at 3.
  EXPECT_EQ(chunk_scale_for(std::vector<int>(32, 1024), 2, 264), 2);
  // 128 rows of 300 keys: 768 items, 3 rounds (9); k = 2: 512, 2 rounds (10); k = 3: 256, 1 round (7).
  EXPECT_EQ(chunk_scale_for(std::vector<int>(128, 300), 2, 264), 3);
  // The same rows on a larger grid fit at once: k = 1.
  EXPECT_EQ(chunk_scale_for(std::vector<int>(128, 300), 2, 1024), 1);
  // No rows: nothing to merge.
  EXPECT_EQ(chunk_scale_for({}, 2, 264), 1);
  // Very many long rows: the largest scale (8 x 128 keys) and still several rounds.
  EXPECT_EQ(chunk_scale_for(std::vector<int>(512, 8192), 2, 264), kMaxPrefixChunkScale);
}

}  // namespace
}  // namespace grpo
