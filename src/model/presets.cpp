// The preset table. Values are those of each model's published config.json (huggingface.co/<org>/<model>).
#include "src/model/presets.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "src/util/error.h"

namespace grpo {
namespace {

using Json = nlohmann::json;

Json qwen25(int64_t hidden, int64_t inter, int64_t layers, int64_t heads, int64_t kv, int64_t vocab, bool tie,
            int64_t max_pos) {
  return {{"model_type", "qwen2"}, {"hidden_size", hidden}, {"intermediate_size", inter},
          {"num_hidden_layers", layers}, {"num_attention_heads", heads}, {"num_key_value_heads", kv},
          {"vocab_size", vocab}, {"tie_word_embeddings", tie}, {"max_position_embeddings", max_pos},
          {"max_window_layers", layers}, {"rms_norm_eps", 1e-6}, {"rope_theta", 1000000.0},
          {"use_sliding_window", false}, {"sliding_window", max_pos}, {"hidden_act", "silu"},
          {"initializer_range", 0.02}, {"bos_token_id", 151643}, {"eos_token_id", 151643},
          {"torch_dtype", "bfloat16"}, {"attention_dropout", 0.0}, {"use_cache", true}};
}

Json qwen3(int64_t hidden, int64_t inter, int64_t layers, int64_t heads, int64_t kv, bool tie) {
  return {{"model_type", "qwen3"}, {"hidden_size", hidden}, {"intermediate_size", inter},
          {"num_hidden_layers", layers}, {"num_attention_heads", heads}, {"num_key_value_heads", kv},
          {"head_dim", 128}, {"vocab_size", 151936}, {"tie_word_embeddings", tie},
          {"max_position_embeddings", 40960}, {"max_window_layers", layers}, {"rms_norm_eps", 1e-6},
          {"rope_theta", 1000000.0}, {"use_sliding_window", false}, {"hidden_act", "silu"},
          {"attention_bias", false}, {"initializer_range", 0.02}, {"bos_token_id", 151643},
          {"eos_token_id", 151645}, {"torch_dtype", "bfloat16"}, {"attention_dropout", 0.0}, {"use_cache", true}};
}

Json llama32_1b() {
  return {{"model_type", "llama"}, {"hidden_size", 2048}, {"intermediate_size", 8192}, {"num_hidden_layers", 16},
          {"num_attention_heads", 32}, {"num_key_value_heads", 8}, {"head_dim", 64}, {"vocab_size", 128256},
          {"tie_word_embeddings", true}, {"max_position_embeddings", 131072}, {"rms_norm_eps", 1e-5},
          {"rope_theta", 500000.0},
          {"rope_scaling", {{"rope_type", "llama3"}, {"factor", 32.0}, {"low_freq_factor", 1.0},
                            {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}}},
          {"attention_bias", false}, {"mlp_bias", false}, {"hidden_act", "silu"}, {"initializer_range", 0.02},
          {"bos_token_id", 128000}, {"eos_token_id", 128001}, {"torch_dtype", "bfloat16"},
          {"pretraining_tp", 1}, {"attention_dropout", 0.0}, {"use_cache", true}};
}

// A Qwen2-shaped model small enough for unit tests and CLI smoke runs (GQA 4:2, vocab 512).
Json tiny() {
  Json j = qwen25(64, 128, 2, 4, 2, 512, true, 1024);
  j["bos_token_id"] = 1;
  j["eos_token_id"] = 2;
  j["torch_dtype"] = "float32";
  return j;
}

struct Preset {
  const char* name;
  Json (*make)();
};

const Preset kPresets[] = {
    {"qwen2.5-0.5b", [] { return qwen25(896, 4864, 24, 14, 2, 151936, true, 32768); }},
    {"qwen2.5-1.5b", [] { return qwen25(1536, 8960, 28, 12, 2, 151936, true, 131072); }},
    {"qwen2.5-3b", [] { return qwen25(2048, 11008, 36, 16, 2, 151936, true, 32768); }},
    {"qwen2.5-7b", [] { return qwen25(3584, 18944, 28, 28, 4, 152064, false, 131072); }},
    {"qwen3-0.6b", [] { return qwen3(1024, 3072, 28, 16, 8, true); }},
    {"qwen3-1.7b", [] { return qwen3(2048, 6144, 28, 16, 8, true); }},
    {"llama3.2-1b", llama32_1b},
    {"tiny", tiny},
};

}  // namespace

std::vector<std::string> model_preset_names() {
  std::vector<std::string> names;
  for (const auto& p : kPresets) names.emplace_back(p.name);
  return names;
}

ModelConfig model_preset(const std::string& name) {
  for (const auto& p : kPresets)
    if (name == p.name) return parse_model_config(p.make(), "preset " + name);
  fail("unknown model preset '{}'. HINT: known presets: {}", name, fmt::join(model_preset_names(), ", "));
}

}  // namespace grpo
