// The end-of-sequence ids a checkpoint asks for: generation_config.json's eos_token_id (an int or a
// list), which some models set beyond the tokenizer's own eos. Used wherever we sample.
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

namespace grpo {

// Empty when the file is absent; a malformed file is a grpo::Error naming it.
std::vector<int32_t> generation_config_eos(const std::filesystem::path& model_dir);

}  // namespace grpo
