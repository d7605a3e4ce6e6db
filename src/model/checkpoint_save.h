// Saving a CausalLM as a Hugging Face checkpoint that transformers and vLLM load unchanged:
// model.safetensors (or model-0000i-of-0000N.safetensors shards + model.safetensors.index.json),
// config.json, generation_config.json and the tokenizer files. Atomic: everything is written and
// fsynced in a temp dir beside the target, which then replaces the target in one rename, so a crash
// leaves either the old checkpoint or the new one, never a half-written one.
#pragma once
#include <c10/core/ScalarType.h>

#include <filesystem>
#include <optional>

#include "src/model/causal_lm.h"

namespace grpo {

struct SaveOptions {
  int64_t max_shard_bytes = 5'000'000'000;  // HF's default "5GB" per shard
  std::optional<c10::ScalarType> dtype;     // stored dtype; default: the model's
  // Directory whose tokenizer files (tokenizer.json, tokenizer_config.json, vocab.json, merges.txt,
  // special_tokens_map.json, added_tokens.json, chat_template.jinja, tokenizer.model) and
  // generation_config.json are copied; empty = none (generation_config.json is then generated).
  std::filesystem::path tokenizer_dir;
};

void save_checkpoint(CausalLMImpl& model, const std::filesystem::path& dir, const SaveOptions& opts = {});

}  // namespace grpo
