// Fixtures for the SFT tests: a byte-level tokenizer cut from Qwen3's (ids 0..255 are its 256
// byte tokens, no merges, so every byte is one token and ids are hand-computable; <|endoftext|>,
// <|im_start|>, <|im_end|> = 256, 257, 258; Qwen3's chat template; eos <|im_end|>) and a tiny random
// model (preset "tiny", vocab 512) saved with it as a Hugging Face checkpoint.
#pragma once
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "src/model/causal_lm.h"
#include "src/model/checkpoint_save.h"
#include "src/model/presets.h"
#include "src/util/fs.h"
#include "test_util.h"

namespace grpo::test {

inline std::filesystem::path make_byte_tokenizer(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const fs::path qwen = source_dir() / "tests/data/tokenizers/qwen3";
  // nlohmann::json, not ordered_json: ordered_json inserts in linear time (151k vocab entries).
  auto tj = nlohmann::json::parse(read_file((qwen / "tokenizer.json").string()));
  nlohmann::json vocab = nlohmann::json::object();
  for (const auto& [k, v] : tj["model"]["vocab"].items())
    if (v.get<int>() < 256) vocab[k] = v;
  tj["model"]["vocab"] = vocab;
  tj["model"]["merges"] = nlohmann::json::array();
  nlohmann::json added = nlohmann::json::array();
  int id = 256;
  for (const char* t : {"<|endoftext|>", "<|im_start|>", "<|im_end|>"})
    added.push_back({{"id", id++}, {"content", t}, {"single_word", false}, {"lstrip", false}, {"rstrip", false},
                     {"normalized", false}, {"special", true}});
  tj["added_tokens"] = added;
  const auto qcfg = nlohmann::json::parse(read_file((qwen / "tokenizer_config.json").string()));
  const nlohmann::json cfg = {{"eos_token", "<|im_end|>"},
                              {"pad_token", "<|endoftext|>"},
                              {"bos_token", nullptr},
                              {"add_bos_token", false},
                              {"chat_template", qcfg["chat_template"]}};
  fs::create_directories(dir);
  std::ofstream(dir / "tokenizer.json") << tj.dump();
  std::ofstream(dir / "tokenizer_config.json") << cfg.dump();
  return dir;
}

// A tiny fp32 model in dir/model (tokenizer files included) and the tokenizer in dir/tok.
inline std::filesystem::path make_tiny_model(const std::filesystem::path& dir, uint64_t seed) {
  const auto tok = make_byte_tokenizer(dir / "tok");
  CausalLM lm(model_preset("tiny"), torch::TensorOptions().dtype(torch::kFloat).device(torch::kCPU));
  lm->init_weights(seed);
  SaveOptions opts;
  opts.tokenizer_dir = tok;
  save_checkpoint(*lm, dir / "model", opts);
  return dir / "model";
}

// Byte-tokenizer id of a printable ASCII character: GPT-2's bytes_to_unicode lists bytes 33..126
// first, so their ids are byte - 33 (Qwen's vocab starts "!": 0, "\"": 1, ...); space is 220.
inline int64_t byte_id(char c) { return c == ' ' ? 220 : static_cast<int64_t>(c) - 33; }

}  // namespace grpo::test
