// Loading: HF's own sharded save equals its single-file save; missing tensors, mismatched shapes and
// missing weight files are errors that name the tensor or the file.
#include "src/model/checkpoint_load.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "src/model/safetensors.h"
#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

namespace fs = std::filesystem;
fs::path oracle_dir(const std::string& name) { return test::testdata_dir() / "model" / name; }

using test::error_of;

TEST(CheckpointLoad, HfShardedEqualsSingleFile) {
  auto single = load_causal_lm(oracle_dir("qwen2"), torch::kCPU, torch::kFloat);
  auto sharded = load_causal_lm(oracle_dir("qwen2_sharded"), torch::kCPU, torch::kFloat);
  const auto a = single->named_parameters(), b = sharded->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
}

TEST(CheckpointLoad, ConvertsDtype) {
  auto lm = load_causal_lm(oracle_dir("llama"), torch::kCPU, torch::kBFloat16);
  for (const auto& p : lm->parameters()) EXPECT_EQ(p.scalar_type(), torch::kBFloat16);
  SafetensorsFile f(oracle_dir("llama") / "model.safetensors");
  EXPECT_TRUE(torch::equal(lm->lm_head->weight, f.tensor("lm_head.weight").to(torch::kBFloat16)));
}

// Copies a checkpoint, dropping or reshaping one tensor.
fs::path edited_copy(const fs::path& dir, const std::string& src, const std::string& drop, const std::string& reshape) {
  fs::create_directories(dir);
  fs::copy_file(oracle_dir(src) / "config.json", dir / "config.json");
  SafetensorsFile f(oracle_dir(src) / "model.safetensors");
  std::vector<std::pair<std::string, at::Tensor>> ts;
  for (const auto& t : f.header().tensors) {
    if (t.name == drop) continue;
    auto x = f.tensor(t.name);
    ts.emplace_back(t.name, t.name == reshape ? x.narrow(0, 0, x.size(0) - 1) : x);
  }
  write_safetensors(dir / "model.safetensors", ts);
  return dir;
}

TEST(CheckpointLoad, MissingTensorIsNamed) {
  test::TempDir dir;
  const auto d = edited_copy(dir.path() / "m", "qwen3", "model.layers.1.self_attn.k_norm.weight", "");
  const auto msg = error_of([&] { load_causal_lm(d, torch::kCPU, torch::kFloat); });
  EXPECT_NE(msg.find("model.layers.1.self_attn.k_norm.weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

TEST(CheckpointLoad, ShapeMismatchIsNamed) {
  test::TempDir dir;
  const auto d = edited_copy(dir.path() / "m", "llama", "", "model.layers.0.mlp.up_proj.weight");
  const auto msg = error_of([&] { load_causal_lm(d, torch::kCPU, torch::kFloat); });
  EXPECT_NE(msg.find("model.layers.0.mlp.up_proj.weight"), std::string::npos) << msg;
}

TEST(CheckpointLoad, DirectoryWithoutWeightsIsAnError) {
  test::TempDir dir;
  fs::copy_file(oracle_dir("qwen2") / "config.json", dir.path() / "config.json");
  const auto msg = error_of([&] { load_causal_lm(dir.path(), torch::kCPU, torch::kFloat); });
  EXPECT_NE(msg.find("model.safetensors"), std::string::npos) << msg;
  EXPECT_NE(error_of([&] { load_causal_lm(dir.path() / "nope", torch::kCPU, torch::kFloat); }).find("config.json"),
            std::string::npos);
}

}  // namespace
}  // namespace grpo
