// Packing for training: next-token targets stay inside each sequence, the loss mask marks the
// positions that predict trained tokens, and the [n, L] view lists those positions in order.
// Expected values are worked out by hand from the two sequences below.
#include "trainer/packing.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/test_util.h"

namespace grpo {
namespace {

std::vector<int64_t> as_vector(const at::Tensor& t) {
  auto c = t.to(torch::kInt64).contiguous();
  return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

TEST(Packing, TargetsMaskAndTrainedPositions) {
  // Sequence 0: prompt [10, 11], completion [12, 13] -> positions 1, 2 predict 12, 13.
  // Sequence 1: prompt [20], completion [21, 22, 23] -> packed positions 4, 5, 6 predict 21, 22, 23.
  const TrainingSequence a{{10, 11, 12, 13}, {0, 0, 1, 1}};
  const TrainingSequence b{{20, 21, 22, 23}, {0, 1, 1, 1}};
  const TrainingSequence* seqs[] = {&a, &b};
  const auto p = pack_for_training(seqs, torch::kCPU);
  EXPECT_EQ(as_vector(p.batch.input_ids), (std::vector<int64_t>{10, 11, 12, 13, 20, 21, 22, 23}));
  EXPECT_EQ(as_vector(p.targets), (std::vector<int64_t>{11, 12, 13, 0, 21, 22, 23, 0}));  // never 13 -> 20
  EXPECT_EQ(as_vector(p.loss_mask), (std::vector<int64_t>{0, 1, 1, 0, 1, 1, 1, 0}));
  EXPECT_EQ(as_vector(p.trained_positions), (std::vector<int64_t>{1, 2, 0, 4, 5, 6}));  // [2, 3], 0-padded
  EXPECT_EQ(as_vector(p.trained_mask), (std::vector<int64_t>{1, 1, 0, 1, 1, 1}));
  EXPECT_EQ(p.trained_tokens, 5);
  EXPECT_EQ(p.batch.lengths, (std::vector<int64_t>{4, 4}));
}

TEST(Packing, RejectsBadSequences) {
  const TrainingSequence empty{{}, {}};
  const TrainingSequence mismatch{{1, 2}, {0}};
  const TrainingSequence first_trained{{1, 2}, {1, 1}};
  for (const TrainingSequence* s : {&empty, &mismatch, &first_trained}) {
    const TrainingSequence* one[] = {s};
    EXPECT_NE(test::error_of([&] { pack_for_training(one, torch::kCPU); }), "");
  }
}

TEST(Packing, MicroBatchesRespectTheBudgetInOrder) {
  const std::vector<int64_t> lengths = {3, 4, 2, 9, 1, 1};
  // budget 7: [3,4] = 7, [2] (+9 would exceed), [9] alone (longer than the budget), [1,1]
  EXPECT_EQ(plan_micro_batches(lengths, 7),
            (std::vector<std::vector<size_t>>{{0, 1}, {2}, {3}, {4, 5}}));
  EXPECT_EQ(plan_micro_batches(lengths, 100), (std::vector<std::vector<size_t>>{{0, 1, 2, 3, 4, 5}}));
  EXPECT_TRUE(plan_micro_batches({}, 5).empty());
}

}  // namespace
}  // namespace grpo
