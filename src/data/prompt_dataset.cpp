// Prompt dataset loading and seeded batching (see prompt_dataset.h).
#include "src/data/prompt_dataset.h"

#include <random>

#include "src/util/error.h"
#include "src/util/jsonl.h"

namespace grpo {

PromptDataset PromptDataset::load(const std::string& path, const std::string& prompt_field) {
  PromptDataset ds;
  for_each_jsonl(path, [&](const JsonlRow& r) {
    const auto prompt = r.value.find(prompt_field);
    const auto messages = r.value.find("messages");
    if (prompt != r.value.end()) {
      if (!prompt->is_string())
        fail("{}: field '{}': expected a string, got {}", r.where(), prompt_field, prompt->type_name());
    } else if (messages != r.value.end()) {
      if (!messages->is_array() || messages->empty())
        fail("{}: field 'messages': expected a non-empty list of {{role, content}}", r.where());
      for (const auto& m : *messages)
        if (!m.is_object() || !m.contains("role") || !m.contains("content") || !m["role"].is_string() ||
            !m["content"].is_string())
          fail("{}: field 'messages': each message needs string 'role' and 'content'", r.where());
    } else {
      fail("{}: missing field '{}' (or 'messages'). HINT: set data.prompt_field to the name of the prompt column",
           r.where(), prompt_field);
    }
    ds.rows_.push_back(PromptRow{r.value, r.file, r.line});
  });
  if (ds.rows_.empty()) fail("{}: no rows. HINT: the prompt file must hold one JSON object per line", path);
  return ds;
}

std::vector<size_t> PromptDataset::epoch_order(int64_t epoch, uint64_t seed) const {
  std::vector<size_t> order(rows_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(seed ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(epoch + 1)));
  for (size_t i = order.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);  // modulo bias < 2^-40 for any real dataset
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

std::vector<size_t> PromptDataset::next_batch(size_t batch_size, uint64_t seed) {
  if (rows_.empty()) fail("prompt dataset is empty (every row was filtered out?)");
  std::vector<size_t> batch;
  while (batch.size() < batch_size) {
    if (order_epoch_ != position_.epoch) {
      order_ = epoch_order(position_.epoch, seed);
      order_epoch_ = position_.epoch;
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
