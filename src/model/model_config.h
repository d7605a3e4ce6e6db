// ModelConfig: the architecture of a Qwen2 / Qwen2.5 / Qwen3 / Llama decoder, read from (and written
// back to) a Hugging Face config.json. Used by the model, the loaders, `grpo init-model` and the bench.
// Torch-free on purpose; it must not guess: unknown model types and unsupported options are errors.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace grpo {

// RoPE frequency scaling (HF `rope_scaling` / v5 `rope_parameters`).
struct RopeScaling {
  std::string type = "default";  // default | linear | llama3
  double factor = 1.0;
  double low_freq_factor = 1.0;   // llama3 only
  double high_freq_factor = 4.0;  // llama3 only
  int64_t original_max_position_embeddings = 8192;  // llama3 only
};

struct ModelConfig {
  std::string model_type;  // qwen2 | qwen3 | llama
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t head_dim = 0;  // explicit in config.json, or hidden_size / num_attention_heads
  int64_t max_position_embeddings = 0;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;
  double initializer_range = 0.02;
  bool tie_word_embeddings = false;
  bool qkv_bias = false;  // q/k/v projections carry a bias (always for qwen2; attention_bias for others)
  bool o_bias = false;    // o_proj bias (attention_bias for llama and qwen3)
  bool mlp_bias = false;  // llama mlp_bias
  bool qk_norm = false;   // per-head RMSNorm on q and k before RoPE (qwen3)
  std::string dtype = "bfloat16";  // torch_dtype / dtype of the stored weights
  std::vector<int64_t> bos_token_ids, eos_token_ids;
  nlohmann::json raw;  // the parsed file, so that saving keeps the keys we do not interpret

  int64_t q_size() const { return num_attention_heads * head_dim; }
  int64_t kv_size() const { return num_key_value_heads * head_dim; }
  // Number of parameters (embedding counted once when tied).
  int64_t num_parameters() const;
};

// `where` prefixes error messages (a file name). Throws grpo::Error naming the field.
ModelConfig parse_model_config(const nlohmann::json& j, const std::string& where);
// `path` is config.json or a checkpoint directory that holds one.
ModelConfig load_model_config(const std::filesystem::path& path);
// config.json content, transformers-4 style keys (rope_theta, rope_scaling, torch_dtype) that
// transformers 4 and 5 and vLLM all read; keys of `raw` we do not own are kept.
nlohmann::json model_config_to_json(const ModelConfig& c);
// generation_config.json content (bos/eos ids).
nlohmann::json generation_config_json(const ModelConfig& c);

}  // namespace grpo
