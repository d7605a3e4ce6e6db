// The prompts of a GRPO run: JSONL rows, each with a prompt (a `prompt` string field, or chat
// `messages`) plus whatever ground-truth fields the rewards read. Serves batches in a seeded,
// per-epoch shuffled order, and exposes its position so that a resumed run continues with exactly
// the batch it would have seen. Torch-free; templates and tokenization are the caller's.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "src/data/epoch_sampler.h"

namespace grpo {

using Json = nlohmann::json;

struct PromptRow {
  Json row;          // the whole dataset row (rewards read their fields from it)
  std::string file;  // for messages: where the row came from
  int line = 0;
};

class PromptDataset {
 public:
  // Every row must have `prompt_field` (a string) or `messages` (a list of {role, content}); a
  // row that has neither, or a field of the wrong type, is an error naming file:line and field.
  static PromptDataset load(const std::string& path, const std::string& prompt_field);

  size_t size() const { return rows_.size(); }
  const PromptRow& row(size_t i) const { return rows_[i]; }

  // Keeps only rows for which keep(row) is true (e.g. the prompt-length filter); returns how many
  // were dropped. Call before the first batch.
  template <class Predicate>
  size_t filter(Predicate keep) {
    std::vector<PromptRow> kept;
    for (auto& r : rows_)
      if (keep(r)) kept.push_back(std::move(r));
    const size_t dropped = rows_.size() - kept.size();
    rows_ = std::move(kept);
    return dropped;
  }

  // The next `batch_size` rows in the seeded order; crosses epoch boundaries (reshuffling with
  // seed + epoch). Returns row indices.
  std::vector<size_t> next_batch(size_t batch_size, uint64_t seed);
  DatasetPosition position() const { return sampler_.position(); }
  void set_position(const DatasetPosition& p) { sampler_.set_position(p); }

  // The order of epoch `epoch` (EpochSampler::epoch_order).
  std::vector<size_t> epoch_order(int64_t epoch, uint64_t seed) const {
    return EpochSampler::epoch_order(rows_.size(), epoch, seed);
  }

 private:
  std::vector<PromptRow> rows_;
  EpochSampler sampler_;
};

}  // namespace grpo
