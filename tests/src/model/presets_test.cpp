// Presets carry the published architectures: parameter counts equal HF transformers'
// model.num_parameters() for the same config.json (computed once with transformers 5.23 on the meta
// device; the published model cards round them to 0.49B, 7.61B, 0.6B, 1.23B).
#include "src/model/presets.h"

#include <gtest/gtest.h>

#include "src/util/error.h"

namespace grpo {
namespace {

TEST(Presets, ParameterCountsMatchTransformers) {
  EXPECT_EQ(model_preset("qwen2.5-0.5b").num_parameters(), 494032768);
  EXPECT_EQ(model_preset("qwen2.5-7b").num_parameters(), 7615616512);
  EXPECT_EQ(model_preset("qwen3-0.6b").num_parameters(), 596049920);
  EXPECT_EQ(model_preset("llama3.2-1b").num_parameters(), 1235814400);
}

TEST(Presets, ArchitectureFlags) {
  const auto q3 = model_preset("qwen3-1.7b");
  EXPECT_TRUE(q3.qk_norm);
  EXPECT_EQ(q3.head_dim, 128);
  EXPECT_FALSE(q3.qkv_bias);
  const auto q2 = model_preset("qwen2.5-1.5b");
  EXPECT_TRUE(q2.qkv_bias);
  EXPECT_FALSE(q2.o_bias);
  EXPECT_EQ(q2.head_dim, 128);  // 1536 / 12
  const auto l = model_preset("llama3.2-1b");
  EXPECT_EQ(l.rope_scaling.type, "llama3");
  EXPECT_EQ(l.rope_scaling.factor, 32.0);
  for (const auto& name : model_preset_names()) EXPECT_NO_THROW(model_preset(name)) << name;
}

TEST(Presets, UnknownNameListsKnownOnes) {
  try {
    model_preset("gpt2");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("qwen2.5-0.5b"), std::string::npos);
  }
}

}  // namespace
}  // namespace grpo
