// Saving: what we write loads in HF transformers (tests/src/model/check_hf_load.py) and gives the
// log-probs our model gives, after the weights were changed by a training step (so the check is not
// "the oracle's own file comes back"); sharding, index, atomic replacement and tokenizer copying.
#include "src/model/checkpoint_save.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>

#include "src/model/checkpoint_load.h"
#include "src/model/safetensors.h"
#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

fs::path oracle_dir(const std::string& name) { return test::testdata_dir() / "model" / name; }

Json read_json(const fs::path& p) {
  std::ifstream in(p);
  return Json::parse(in);
}

// One SGD step on a log-prob objective, so that saved weights differ from the oracle's.
void perturb(CausalLMImpl& lm) {
  auto batch = pack_sequences({{1, 9, 200, 31, 4}}, torch::kCPU);
  lm.token_logprobs(batch, torch::tensor({9, 200, 31, 4, 0}, torch::kLong), {}).logprobs.sum().backward();
  torch::NoGradGuard no_grad;
  for (auto& p : lm.parameters()) p.add_(p.grad(), -0.05);
}

class SaveRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(SaveRoundTrip, TransformersLoadsWhatWeSave) {
  auto lm = load_causal_lm(oracle_dir(GetParam()), torch::kCPU, torch::kFloat);
  perturb(*lm);
  test::TempDir dir;
  SaveOptions opts;
  opts.max_shard_bytes = 60'000;  // several shards for these ~100k-parameter models
  save_checkpoint(*lm, dir.path() / "ckpt", opts);
  EXPECT_TRUE(fs::exists(dir.path() / "ckpt" / "model.safetensors.index.json"));
  const std::vector<int64_t> ids{1, 17, 33, 250, 4, 99, 100, 7, 8, 200, 201};
  std::string out;
  const std::string cmd = test::python() + " " + (test::source_dir() / "tests/src/model/check_hf_load.py").string() + " " +
                          (dir.path() / "ckpt").string() + " '" + Json(ids).dump() + "' 2>/dev/null";
  ASSERT_EQ(test::run_command(cmd, &out), 0) << cmd;
  const auto hf = Json::parse(out.substr(out.find('{')))["logprobs"].get<std::vector<double>>();
  std::vector<int64_t> targets(ids.begin() + 1, ids.end());
  targets.push_back(0);
  torch::NoGradGuard no_grad;
  auto ours = lm->token_logprobs(pack_sequences({ids}, torch::kCPU), torch::tensor(targets), {}).logprobs;
  ASSERT_EQ(hf.size(), ids.size() - 1);
  for (size_t i = 0; i < hf.size(); ++i) EXPECT_NEAR(ours[i].item<double>(), hf[i], 1e-4) << i;
}

INSTANTIATE_TEST_SUITE_P(Models, SaveRoundTrip, ::testing::Values("qwen2", "qwen3", "llama"));

TEST(CheckpointSave, ShardsIndexAndHfNames) {
  auto lm = load_causal_lm(oracle_dir("qwen2"), torch::kCPU, torch::kFloat);
  test::TempDir dir;
  SaveOptions opts;
  opts.max_shard_bytes = 100'000;
  opts.dtype = torch::kBFloat16;
  save_checkpoint(*lm, dir.path() / "c", opts);
  const auto index = read_json(dir.path() / "c" / "model.safetensors.index.json");
  const auto& map = index["weight_map"];
  EXPECT_FALSE(map.contains("lm_head.weight"));  // tied
  EXPECT_EQ(map["model.layers.1.self_attn.q_proj.bias"].get<std::string>().rfind("model-0000", 0), 0u);
  int64_t total = 0;
  std::set<std::string> files;
  for (auto it = map.begin(); it != map.end(); ++it) files.insert(it->get<std::string>());
  for (const auto& f : files) {
    EXPECT_LE(fs::file_size(dir.path() / "c" / f), 100'000u + 4096u) << f;  // + header
    SafetensorsFile st(dir.path() / "c" / f);
    for (const auto& t : st.header().tensors) {
      EXPECT_EQ(t.dtype, StDtype::BF16);
      total += static_cast<int64_t>(t.end - t.begin);
    }
  }
  EXPECT_GT(files.size(), 1u);
  EXPECT_EQ(index["metadata"]["total_size"].get<int64_t>(), total);
  EXPECT_EQ(read_json(dir.path() / "c" / "config.json")["torch_dtype"], "bfloat16");
  EXPECT_EQ(read_json(dir.path() / "c" / "generation_config.json")["eos_token_id"], 2);
  // Loading our sharded bf16 save gives the bf16-rounded weights back.
  auto back = load_causal_lm(dir.path() / "c", torch::kCPU, torch::kFloat);
  EXPECT_TRUE(torch::equal(back->model->embed_tokens->weight, lm->model->embed_tokens->weight.to(torch::kBFloat16).to(torch::kFloat)));
}

TEST(CheckpointSave, ReplacesAnExistingCheckpointAtomicallyAndCopiesTokenizer) {
  auto lm = load_causal_lm(oracle_dir("qwen3"), torch::kCPU, torch::kFloat);
  test::TempDir dir;
  const auto target = dir.path() / "out";
  fs::create_directories(target);
  std::ofstream(target / "stale.txt") << "old";
  fs::create_directories(dir.path() / "tok");
  std::ofstream(dir.path() / "tok" / "tokenizer.json") << "{}";
  std::ofstream(dir.path() / "tok" / "unrelated.bin") << "x";
  SaveOptions opts;
  opts.tokenizer_dir = dir.path() / "tok";
  save_checkpoint(*lm, target, opts);
  EXPECT_FALSE(fs::exists(target / "stale.txt"));  // the old tree was replaced as a whole
  EXPECT_TRUE(fs::exists(target / "model.safetensors"));
  EXPECT_TRUE(fs::exists(target / "tokenizer.json"));
  EXPECT_FALSE(fs::exists(target / "unrelated.bin"));
  for (const auto& e : fs::directory_iterator(dir.path()))  // no temp dirs left behind
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(CheckpointSave, FailedSaveLeavesNoTrace) {
  auto lm = load_causal_lm(oracle_dir("qwen2"), torch::kCPU, torch::kFloat);
  test::TempDir dir;
  SaveOptions opts;
  opts.dtype = torch::kLong;  // not a model dtype: fails after the temp dir was created
  EXPECT_THROW(save_checkpoint(*lm, dir.path() / "x", opts), Error);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace grpo
