// Seeded per-epoch order (see epoch_sampler.h).
#include "src/data/epoch_sampler.h"

#include <random>

#include "src/util/error.h"

namespace grpo {

std::vector<size_t> EpochSampler::epoch_order(size_t rows, int64_t epoch, uint64_t seed) {
  std::vector<size_t> order(rows);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(seed ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(epoch + 1)));
  for (size_t i = order.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);  // modulo bias < 2^-40 for any real dataset
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

std::vector<size_t> EpochSampler::next(size_t rows, size_t count, uint64_t seed) {
  if (rows == 0) fail("the dataset is empty (every row was filtered out?)");
  std::vector<size_t> batch;
  while (batch.size() < count) {
    if (order_epoch_ != position_.epoch || order_.size() != rows || order_seed_ != seed) {
      order_ = epoch_order(rows, position_.epoch, seed);
      order_epoch_ = position_.epoch;
      order_seed_ = seed;
    }
    if (position_.index >= static_cast<int64_t>(order_.size())) {
      position_.epoch++;
      position_.index = 0;
      continue;
    }
    batch.push_back(order_[static_cast<size_t>(position_.index++)]);
  }
  return batch;
}

}  // namespace grpo
