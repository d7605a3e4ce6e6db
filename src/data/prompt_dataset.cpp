// Prompt dataset loading and seeded batching (see prompt_dataset.h).
#include "src/data/prompt_dataset.h"

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

std::vector<size_t> PromptDataset::next_batch(size_t batch_size, uint64_t seed) {
  if (rows_.empty()) fail("prompt dataset is empty (every row was filtered out?)");
  return sampler_.next(rows_.size(), batch_size, seed);
}

}  // namespace grpo
