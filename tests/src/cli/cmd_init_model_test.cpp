// `grpo init-model`: the checkpoint it writes loads in HF transformers (check_hf_load.py), has HF's
// init statistics (weights ~ N(0, 0.02), norms 1), and is reproducible from its seed.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "src/model/checkpoint_load.h"
#include "src/model/safetensors.h"
#include "test_util.h"

namespace grpo {
namespace {

namespace fs = std::filesystem;

std::string init_cmd(const std::string& args) { return test::grpo_binary() + " init-model " + args + " 2>&1"; }

TEST(CmdInitModel, TinyPresetLoadsInTransformersWithHfInit) {
  test::TempDir dir;
  const auto out = dir.path() / "tiny";
  ASSERT_EQ(test::run_command(init_cmd("--preset tiny --seed 3 --out " + out.string())), 0);
  std::string py;
  ASSERT_EQ(test::run_command(test::python() + " " + (test::source_dir() / "tests/src/model/check_hf_load.py").string() +
                                  " " + out.string() + " '[1, 5, 9, 7]' 2>/dev/null",
                              &py),
            0);
  EXPECT_NE(py.find("logprobs"), std::string::npos) << py;
  SafetensorsFile f(out / "model.safetensors");
  auto emb = f.tensor("model.embed_tokens.weight");
  EXPECT_NEAR(emb.std().item<double>(), 0.02, 0.002);  // 32768 samples: std error of std ~ 0.0001
  EXPECT_NEAR(emb.mean().item<double>(), 0.0, 0.001);
  EXPECT_TRUE(torch::equal(f.tensor("model.norm.weight"), torch::ones({64})));
  EXPECT_TRUE(torch::equal(f.tensor("model.layers.0.self_attn.q_proj.bias"), torch::zeros({64})));
  EXPECT_EQ(f.find("lm_head.weight"), nullptr);  // the tiny preset ties embeddings
}

TEST(CmdInitModel, SeedReproducesAndConfigFileWorks) {
  test::TempDir dir;
  ASSERT_EQ(test::run_command(init_cmd("--preset tiny --seed 1 --out " + (dir.path() / "a").string())), 0);
  ASSERT_EQ(test::run_command(init_cmd("--config " + (dir.path() / "a" / "config.json").string() + " --seed 1 --dtype bf16 --out " +
                                       (dir.path() / "b").string())),
            0);
  ASSERT_EQ(test::run_command(init_cmd("--preset tiny --seed 2 --out " + (dir.path() / "c").string())), 0);
  auto a = load_causal_lm(dir.path() / "a", torch::kCPU, torch::kFloat);
  auto b = load_causal_lm(dir.path() / "b", torch::kCPU, torch::kFloat);
  auto c = load_causal_lm(dir.path() / "c", torch::kCPU, torch::kFloat);
  const auto& wa = a->model->layers[0]->as<DecoderLayerImpl>()->mlp->up_proj->weight;
  const auto& wb = b->model->layers[0]->as<DecoderLayerImpl>()->mlp->up_proj->weight;
  const auto& wc = c->model->layers[0]->as<DecoderLayerImpl>()->mlp->up_proj->weight;
  EXPECT_TRUE(torch::equal(wa.to(torch::kBFloat16).to(torch::kFloat), wb));  // same draw, stored in bf16
  EXPECT_FALSE(torch::equal(wa, wc));
}

TEST(CmdInitModel, NeedsExactlyOneSource) {
  test::TempDir dir;
  std::string out;
  EXPECT_NE(test::run_command(init_cmd("--out " + (dir.path() / "x").string()), &out), 0);
  EXPECT_NE(out.find("--preset"), std::string::npos) << out;
  EXPECT_NE(test::run_command(init_cmd("--preset nope --out " + (dir.path() / "x").string()), &out), 0);
  EXPECT_NE(out.find("qwen2.5-0.5b"), std::string::npos) << out;
}

}  // namespace
}  // namespace grpo
