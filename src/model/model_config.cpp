// Parsing and writing of HF config.json for the decoder families we implement.
#include "src/model/model_config.h"

#include <fstream>

#include "src/util/error.h"

namespace grpo {
namespace {

using Json = nlohmann::json;

template <class T>
T get_or(const Json& j, const char* key, T fallback, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    fail("{}: field '{}': wrong type ({}). HINT: compare with the model's original config.json", where, key,
         it->type_name());
  }
}

int64_t require_int(const Json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || j[key].is_null())
    fail("{}: missing field '{}'. HINT: config.json must come from a Hugging Face checkpoint", where, key);
  const int64_t v = get_or<int64_t>(j, key, 0, where);
  if (v <= 0) fail("{}: field '{}' must be positive, got {}", where, key, v);
  return v;
}

std::vector<int64_t> token_ids(const Json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_array()) return get_or<std::vector<int64_t>>(j, key, {}, where);
  return {get_or<int64_t>(j, key, 0, where)};
}

RopeScaling parse_rope(const Json& r, const std::string& where) {
  RopeScaling s;
  s.type = get_or<std::string>(r, "rope_type", get_or<std::string>(r, "type", "default", where), where);
  if (s.type != "default" && s.type != "linear" && s.type != "llama3")
    fail("{}: rope type '{}' is not supported. HINT: supported: default, linear, llama3", where, s.type);
  s.factor = get_or<double>(r, "factor", 1.0, where);
  s.low_freq_factor = get_or<double>(r, "low_freq_factor", 1.0, where);
  s.high_freq_factor = get_or<double>(r, "high_freq_factor", 4.0, where);
  s.original_max_position_embeddings = get_or<int64_t>(r, "original_max_position_embeddings", 8192, where);
  if (s.type != "default" && !(s.factor > 0)) fail("{}: rope factor must be > 0, got {}", where, s.factor);
  if (s.type == "llama3" && !(s.high_freq_factor > s.low_freq_factor))
    fail("{}: llama3 rope needs high_freq_factor > low_freq_factor", where);
  return s;
}

}  // namespace

int64_t ModelConfig::num_parameters() const {
  const int64_t attn = hidden_size * (q_size() + 2 * kv_size()) + q_size() * hidden_size +
                       (qkv_bias ? q_size() + 2 * kv_size() : 0) + (o_bias ? hidden_size : 0) +
                       (qk_norm ? 2 * head_dim : 0);
  const int64_t mlp = 3 * hidden_size * intermediate_size + (mlp_bias ? 2 * intermediate_size + hidden_size : 0);
  const int64_t layer = attn + mlp + 2 * hidden_size;
  const int64_t embed = vocab_size * hidden_size;
  return num_hidden_layers * layer + hidden_size + embed * (tie_word_embeddings ? 1 : 2);
}

ModelConfig parse_model_config(const Json& j, const std::string& where) {
  if (!j.is_object()) fail("{}: config must be a JSON object", where);
  ModelConfig c;
  c.raw = j;
  c.model_type = get_or<std::string>(j, "model_type", "", where);
  if (c.model_type != "qwen2" && c.model_type != "qwen3" && c.model_type != "llama")
    fail("{}: model_type '{}' is not supported. HINT: supported model types: qwen2, qwen3, llama", where,
         c.model_type);
  c.vocab_size = require_int(j, "vocab_size", where);
  c.hidden_size = require_int(j, "hidden_size", where);
  c.intermediate_size = require_int(j, "intermediate_size", where);
  c.num_hidden_layers = require_int(j, "num_hidden_layers", where);
  c.num_attention_heads = require_int(j, "num_attention_heads", where);
  c.num_key_value_heads = get_or<int64_t>(j, "num_key_value_heads", c.num_attention_heads, where);
  if (c.num_key_value_heads <= 0 || c.num_attention_heads % c.num_key_value_heads != 0)
    fail("{}: num_attention_heads {} is not a multiple of num_key_value_heads {}", where, c.num_attention_heads,
         c.num_key_value_heads);
  c.head_dim = get_or<int64_t>(j, "head_dim", 0, where);
  if (c.head_dim == 0) {
    if (c.hidden_size % c.num_attention_heads != 0)
      fail("{}: hidden_size {} is not divisible by num_attention_heads {}. HINT: set head_dim", where,
           c.hidden_size, c.num_attention_heads);
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  if (c.head_dim <= 0 || c.head_dim % 2 != 0) fail("{}: head_dim must be positive and even, got {}", where, c.head_dim);
  c.max_position_embeddings = get_or<int64_t>(j, "max_position_embeddings", 32768, where);
  c.rms_norm_eps = get_or<double>(j, "rms_norm_eps", 1e-6, where);
  c.initializer_range = get_or<double>(j, "initializer_range", 0.02, where);
  c.tie_word_embeddings = get_or<bool>(j, "tie_word_embeddings", false, where);
  const std::string act = get_or<std::string>(j, "hidden_act", "silu", where);
  if (act != "silu") fail("{}: hidden_act '{}' is not supported. HINT: only silu (SwiGLU) is implemented", where, act);
  if (get_or<bool>(j, "use_sliding_window", false, where))
    fail("{}: use_sliding_window=true is not supported. HINT: set it to false (Qwen2.5 ships it false)", where);
  if (get_or<double>(j, "partial_rotary_factor", 1.0, where) != 1.0)
    fail("{}: partial_rotary_factor != 1 is not supported", where);

  // RoPE: transformers 5 writes rope_parameters {rope_theta, rope_type, ...}; 4.x writes rope_theta and
  // rope_scaling {type|rope_type, factor, ...} at the top level.
  if (j.contains("rope_parameters") && j["rope_parameters"].is_object()) {
    const Json& r = j["rope_parameters"];
    c.rope_theta = get_or<double>(r, "rope_theta", get_or<double>(j, "rope_theta", 10000.0, where), where);
    c.rope_scaling = parse_rope(r, where + ": rope_parameters");
  } else {
    c.rope_theta = get_or<double>(j, "rope_theta", 10000.0, where);
    if (j.contains("rope_scaling") && j["rope_scaling"].is_object())
      c.rope_scaling = parse_rope(j["rope_scaling"], where + ": rope_scaling");
  }
  if (!(c.rope_theta > 0)) fail("{}: rope_theta must be > 0", where);

  const bool attention_bias = get_or<bool>(j, "attention_bias", false, where);
  if (c.model_type == "qwen2") {
    c.qkv_bias = true;  // Qwen2Attention hard-codes bias=True on q/k/v and False on o_proj
  } else {
    c.qkv_bias = c.o_bias = attention_bias;
  }
  c.mlp_bias = c.model_type == "llama" && get_or<bool>(j, "mlp_bias", false, where);
  c.qk_norm = c.model_type == "qwen3";
  c.dtype = get_or<std::string>(j, "torch_dtype", get_or<std::string>(j, "dtype", "bfloat16", where), where);
  c.bos_token_ids = token_ids(j, "bos_token_id", where);
  c.eos_token_ids = token_ids(j, "eos_token_id", where);
  return c;
}

ModelConfig load_model_config(const std::filesystem::path& path) {
  const auto file = std::filesystem::is_directory(path) ? path / "config.json" : path;
  std::ifstream in(file);
  if (!in) fail("{}: cannot open. HINT: pass a Hugging Face checkpoint directory that contains config.json", file.string());
  Json j = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) fail("{}: not valid JSON", file.string());
  return parse_model_config(j, file.string());
}

namespace {
Json ids_json(const std::vector<int64_t>& ids) {
  if (ids.empty()) return nullptr;
  if (ids.size() == 1) return ids[0];
  return ids;
}
}  // namespace

Json model_config_to_json(const ModelConfig& c) {
  Json j = c.raw.is_object() ? c.raw : Json::object();
  static const char* kArch[][2] = {{"qwen2", "Qwen2ForCausalLM"}, {"qwen3", "Qwen3ForCausalLM"}, {"llama", "LlamaForCausalLM"}};
  for (const auto& a : kArch)
    if (c.model_type == a[0]) j["architectures"] = Json::array({a[1]});
  j["model_type"] = c.model_type;
  j["vocab_size"] = c.vocab_size;
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j["num_hidden_layers"] = c.num_hidden_layers;
  j["num_attention_heads"] = c.num_attention_heads;
  j["num_key_value_heads"] = c.num_key_value_heads;
  j["head_dim"] = c.head_dim;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["rms_norm_eps"] = c.rms_norm_eps;
  j["initializer_range"] = c.initializer_range;
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  j["hidden_act"] = "silu";
  j.erase("rope_parameters");
  j["rope_theta"] = c.rope_theta;
  if (c.rope_scaling.type == "default") {
    j["rope_scaling"] = nullptr;
  } else {
    Json r = {{"rope_type", c.rope_scaling.type}, {"factor", c.rope_scaling.factor}};
    if (c.rope_scaling.type == "llama3") {
      r["low_freq_factor"] = c.rope_scaling.low_freq_factor;
      r["high_freq_factor"] = c.rope_scaling.high_freq_factor;
      r["original_max_position_embeddings"] = c.rope_scaling.original_max_position_embeddings;
    }
    j["rope_scaling"] = r;
  }
  if (c.model_type != "qwen2") j["attention_bias"] = c.o_bias;
  if (c.model_type == "llama") j["mlp_bias"] = c.mlp_bias;
  if (c.model_type == "qwen2" && !j.contains("use_sliding_window")) j["use_sliding_window"] = false;
  j.erase("dtype");
  j["torch_dtype"] = c.dtype;
  j["bos_token_id"] = ids_json(c.bos_token_ids);
  j["eos_token_id"] = ids_json(c.eos_token_ids);
  return j;
}

Json generation_config_json(const ModelConfig& c) {
  Json j = Json::object();
  if (!c.bos_token_ids.empty()) j["bos_token_id"] = ids_json(c.bos_token_ids);
  if (!c.eos_token_ids.empty()) j["eos_token_id"] = ids_json(c.eos_token_ids);
  return j;
}

}  // namespace grpo
