// EpochSampler: the seeded, per-epoch shuffled order in which a dataset of n rows is served, with a
// position (epoch, index) that a checkpoint saves so a resumed run continues with exactly the rows it
// would have seen. Shared by PromptDataset (GRPO prompts) and SftDataset (SFT examples). Torch-free.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace grpo {

struct DatasetPosition {
  int64_t epoch = 0;
  int64_t index = 0;  // next row within the epoch's order
};

class EpochSampler {
 public:
  // The next `count` row indices of a dataset of `rows` rows; crosses epoch boundaries (each epoch
  // reshuffled with seed + epoch). rows must be > 0.
  std::vector<size_t> next(size_t rows, size_t count, uint64_t seed);
  DatasetPosition position() const { return position_; }
  void set_position(const DatasetPosition& p) { position_ = p; }

  // The order of epoch `epoch`: a Fisher–Yates shuffle driven by mt19937_64(seed ^ epoch-mix),
  // written out so that it is the same with every standard library.
  static std::vector<size_t> epoch_order(size_t rows, int64_t epoch, uint64_t seed);

 private:
  DatasetPosition position_;
  std::vector<size_t> order_;
  int64_t order_epoch_ = -1;
  uint64_t order_seed_ = 0;
};

}  // namespace grpo
