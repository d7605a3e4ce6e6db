// config.json parsing: transformers 4 and 5 spellings of RoPE, head_dim inference, bias flags per
// family, and errors that name the field. Expected values are read off the JSON given in each test.
#include "src/model/model_config.h"

#include <gtest/gtest.h>

#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

using Json = nlohmann::json;

Json base(const std::string& type) {
  return {{"model_type", type}, {"vocab_size", 100}, {"hidden_size", 64}, {"intermediate_size", 96},
          {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"num_key_value_heads", 2}};
}

Json with(Json j, const Json& extra) {
  j.update(extra);
  return j;
}

std::string error_of(const Json& j) {
  return test::error_of([&] { parse_model_config(j, "config.json"); });
}

TEST(ModelConfig, FamiliesSetBiasAndNormFlags) {
  auto q2 = parse_model_config(base("qwen2"), "c");
  EXPECT_TRUE(q2.qkv_bias);
  EXPECT_FALSE(q2.o_bias);
  EXPECT_FALSE(q2.qk_norm);
  EXPECT_EQ(q2.head_dim, 16);  // 64 / 4
  auto q3 = parse_model_config(with(base("qwen3"), {{"head_dim", 32}}), "c");
  EXPECT_TRUE(q3.qk_norm);
  EXPECT_FALSE(q3.qkv_bias);
  EXPECT_EQ(q3.q_size(), 128);
  auto l = parse_model_config(with(base("llama"), {{"attention_bias", true}, {"mlp_bias", true}}), "c");
  EXPECT_TRUE(l.qkv_bias && l.o_bias && l.mlp_bias);
}

TEST(ModelConfig, RopeInBothTransformersSpellings) {
  auto v4 = base("llama");
  v4["rope_theta"] = 500000.0;
  v4["rope_scaling"] = {{"type", "linear"}, {"factor", 4.0}};
  auto c4 = parse_model_config(v4, "c");
  EXPECT_EQ(c4.rope_theta, 500000.0);
  EXPECT_EQ(c4.rope_scaling.type, "linear");
  EXPECT_EQ(c4.rope_scaling.factor, 4.0);
  auto v5 = base("llama");
  v5["rope_parameters"] = {{"rope_type", "llama3"}, {"rope_theta", 1e6}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                           {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 64}};
  auto c5 = parse_model_config(v5, "c");
  EXPECT_EQ(c5.rope_theta, 1e6);
  EXPECT_EQ(c5.rope_scaling.type, "llama3");
  EXPECT_EQ(c5.rope_scaling.original_max_position_embeddings, 64);
  // Written back in the v4 spelling that both transformers versions read.
  auto back = parse_model_config(model_config_to_json(c5), "c");
  EXPECT_EQ(back.rope_theta, 1e6);
  EXPECT_EQ(back.rope_scaling.type, "llama3");
  EXPECT_EQ(back.rope_scaling.factor, 8.0);
}

TEST(ModelConfig, ErrorsNameTheField) {
  EXPECT_NE(error_of(base("gpt2")).find("model_type 'gpt2'"), std::string::npos);
  auto j = base("qwen2");
  j.erase("hidden_size");
  EXPECT_NE(error_of(j).find("hidden_size"), std::string::npos);
  EXPECT_NE(error_of(with(base("qwen2"), {{"num_key_value_heads", 3}})).find("num_key_value_heads"), std::string::npos);
  EXPECT_NE(error_of(with(base("qwen2"), {{"hidden_act", "gelu"}})).find("hidden_act"), std::string::npos);
  EXPECT_NE(error_of(with(base("qwen2"), {{"vocab_size", "many"}})).find("vocab_size"), std::string::npos);
  EXPECT_NE(error_of(with(base("llama"), {{"rope_scaling", {{"type", "yarn"}, {"factor", 2.0}}}})).find("yarn"),
            std::string::npos);
  EXPECT_THROW(load_model_config("/nonexistent/dir"), Error);
}

TEST(ModelConfig, EosListsAndUnknownKeysSurviveSaving) {
  auto j = base("qwen3");
  j["eos_token_id"] = {151645, 151643};
  j["custom_key"] = "kept";
  auto c = parse_model_config(j, "c");
  EXPECT_EQ(c.eos_token_ids, (std::vector<int64_t>{151645, 151643}));
  auto out = model_config_to_json(c);
  EXPECT_EQ(out["custom_key"], "kept");
  EXPECT_EQ(out["architectures"][0], "Qwen3ForCausalLM");
  EXPECT_EQ(generation_config_json(c)["eos_token_id"].size(), 2u);
}

}  // namespace
}  // namespace grpo
