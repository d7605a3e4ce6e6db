// The SFT loop: packing several examples into one micro-batch gives the same loss and gradients as
// one micro-batch per example (so attention stays inside each example and the token-mean does not
// depend on the split); a tiny model memorises a small set; a run killed with SIGKILL and resumed
// ends with bit-identical weights and metrics to an uninterrupted run.
#include "trainer/sft_trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>

#include "src/config/config.h"
#include "src/metrics/metrics_log.h"
#include "src/model/checkpoint_load.h"
#include "src/tokenizer/tokenizer.h"
#include "src/util/fs.h"
#include "test_util.h"
#include "trainer/sft_fixture.h"

namespace grpo {
namespace {
namespace fs = std::filesystem;

std::vector<TrainingSequence> random_sequences() {
  torch::manual_seed(5);
  std::vector<TrainingSequence> seqs;
  for (int64_t len : {9, 4, 13}) {
    TrainingSequence s;
    auto ids = torch::randint(0, 512, {len}, torch::kInt64);
    for (int64_t i = 0; i < len; ++i) {
      s.tokens.push_back(ids[i].item<int64_t>());
      s.trained.push_back(i >= len / 2 ? 1 : 0);  // second half trained, like a completion
    }
    seqs.push_back(s);
  }
  return seqs;
}

std::vector<torch::Tensor> grads(CausalLMImpl& lm) {
  std::vector<torch::Tensor> g;
  for (auto& p : lm.parameters()) {
    g.push_back(p.grad().clone());
    p.mutable_grad() = torch::Tensor();
  }
  return g;
}

TEST(SftTrainer, PackedEqualsUnpackedLossAndGradients) {
  CausalLM lm(model_preset("tiny"), torch::TensorOptions().dtype(torch::kFloat).device(torch::kCPU));
  lm->init_weights(1);
  const auto seqs = random_sequences();
  std::vector<const TrainingSequence*> ptrs;
  for (const auto& s : seqs) ptrs.push_back(&s);

  const SftStepStats packed = sft_accumulate_gradients(*lm, ptrs, 1 << 20);  // one micro-batch of 26 tokens
  const auto g_packed = grads(*lm);
  const SftStepStats split = sft_accumulate_gradients(*lm, ptrs, 1);  // one micro-batch per sequence
  const auto g_split = grads(*lm);
  EXPECT_EQ(packed.micro_batches, 1);
  EXPECT_EQ(split.micro_batches, 3);
  // trained tokens: 9-4=5 (i>=4) minus none at i=0 -> 5; 4-2=2; 13-6=7: N = 14.
  EXPECT_EQ(packed.trained_tokens, 14);

  // Oracle: each sequence alone through an unpacked [1, L] forward (plain log_softmax of the
  // logits at every position), summing −log p of trained tokens, over N.
  double nll = 0;
  {
    torch::NoGradGuard ng;
    for (const auto& s : seqs) {
      const auto batch = pack_sequences({s.tokens}, torch::kCPU);
      const auto logits = torch::matmul(lm->hidden_states(batch), lm->lm_head_weight().t());  // [L, V]
      const auto logp = torch::log_softmax(logits, -1);
      for (size_t i = 1; i < s.tokens.size(); ++i)
        if (s.trained[i]) nll -= logp[static_cast<int64_t>(i) - 1][s.tokens[i]].item<double>();
    }
  }
  EXPECT_NEAR(packed.loss, nll / 14, 1e-5);
  EXPECT_NEAR(split.loss, packed.loss, 1e-5);
  ASSERT_EQ(g_packed.size(), g_split.size());
  for (size_t i = 0; i < g_packed.size(); ++i)
    EXPECT_LT((g_packed[i] - g_split[i]).abs().max().item<double>(), 1e-5) << "parameter " << i;
}

struct TinyRun {
  test::TempDir dir;
  fs::path model;
  std::string data;
  explicit TinyRun(const std::string& rows) {
    model = test::make_tiny_model(dir.path(), 3);
    data = (dir.path() / "train.jsonl").string();
    std::ofstream(data) << rows;
  }
  std::vector<std::string> overrides(const std::string& out) const {
    return {"model.path=" + model.string(), "data.path=" + data, "run.output_dir=" + (dir.path() / out).string()};
  }
};

std::string memorise_rows() {
  std::string rows;
  const char* facts[] = {"red", "blue", "green", "gold", "pink", "gray", "teal", "navy"};
  for (int i = 0; i < 8; ++i)
    rows += "{\"prompt\": \"color " + std::to_string(i) + ":\", \"completion\": \" " + facts[i] + "\"}\n";
  return rows;
}

TEST(SftTrainer, MemorisesASmallSet) {
  TinyRun t(memorise_rows());
  auto o = t.overrides("run");
  for (const char* kv : {"run.steps=60", "run.save_every=0", "batch.examples_per_step=8", "optim.lr=3e-3"})
    o.push_back(kv);
  const auto cfg = load_config<SftConfig>((test::source_dir() / "configs/tiny_sft_cpu.yaml").string(), o);
  const std::string folder = run_sft(cfg);
  EXPECT_EQ(fs::path(folder).filename(), "checkpoint-60");
  const auto metrics = read_metrics_jsonl((t.dir.path() / "run" / "metrics.jsonl").string());
  ASSERT_EQ(metrics.size(), 60u);
  auto loss_at = [&](size_t i) {
    for (const auto& [k, v] : metrics[i].second)
      if (k == "loss") return v;
    return -1.0;
  };
  const double first = loss_at(0), last = loss_at(59);
  std::printf("memorise: loss step 1 = %.4f, step 10 = %.4f, step 20 = %.4f, step 60 = %.4f\n", first, loss_at(9),
              loss_at(19), last);
  EXPECT_GT(first, 5.0);  // ~ln(512) = 6.24 for a random model
  EXPECT_LT(last, 0.2 * first);
  EXPECT_TRUE(fs::exists(fs::path(folder) / "tokenizer.json"));

  // The final checkpoint loads in transformers (tests/src/model/check_hf_load.py) and gives our
  // log-probs; the memorised completion " red" + eos is likely under it.
  const Tokenizer tok = Tokenizer::load(folder);
  std::vector<int64_t> ids;
  for (auto id : tok.encode("color 0:")) ids.push_back(id);
  const size_t prompt_len = ids.size();
  for (auto id : tok.encode(" red")) ids.push_back(id);
  ids.push_back(tok.eos_id());
  std::string out;
  const std::string cmd = test::python() + " " + (test::source_dir() / "tests/src/model/check_hf_load.py").string() +
                          " " + folder + " '" + nlohmann::json(ids).dump() + "' 2>/dev/null";
  ASSERT_EQ(test::run_command(cmd, &out), 0) << cmd;
  const auto hf = nlohmann::json::parse(out.substr(out.find('{')))["logprobs"].get<std::vector<double>>();
  auto lm = load_causal_lm(folder, torch::kCPU, torch::kFloat);
  std::vector<int64_t> targets(ids.begin() + 1, ids.end());
  targets.push_back(0);
  torch::NoGradGuard no_grad;
  const auto ours = lm->token_logprobs(pack_sequences({ids}, torch::kCPU), torch::tensor(targets), {}).logprobs;
  ASSERT_EQ(hf.size(), ids.size() - 1);
  double completion_nll = 0;
  for (size_t i = 0; i < hf.size(); ++i) {
    EXPECT_NEAR(ours[static_cast<int64_t>(i)].item<double>(), hf[i], 1e-4) << i;
    if (i + 1 >= prompt_len) completion_nll -= hf[i];
  }
  std::printf("memorise: transformers NLL of ' red<|im_end|>' after 'color 0:' = %.4f over %zu tokens\n",
              completion_nll, ids.size() - prompt_len);
  EXPECT_LT(completion_nll / static_cast<double>(ids.size() - prompt_len), 0.2 * first);
}

TEST(SftTrainer, MalformedRowIsLocatedBeforeTraining) {
  TinyRun t("{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\", \"completion\": [1]}\n");
  const auto cfg = load_config<SftConfig>((test::source_dir() / "configs/tiny_sft_cpu.yaml").string(), t.overrides("run"));
  const std::string e = test::error_of([&] { run_sft(cfg); });
  EXPECT_NE(e.find("train.jsonl:2: field 'completion': expected a string"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(t.dir.path() / "run" / "metrics.jsonl"));
}

std::string sft_command(const TinyRun& t, const std::string& out) {
  std::string cmd = test::grpo_binary() + " sft --config " + (test::source_dir() / "configs/tiny_sft_cpu.yaml").string();
  for (const auto& o : t.overrides(out)) cmd += " " + o;
  return cmd + " run.steps=8 run.save_every=4 2>&1";
}

TEST(SftTrainer, KilledAndResumedRunEqualsUninterrupted) {
  TinyRun t(memorise_rows());
  std::string log;
  ASSERT_EQ(test::run_command(sft_command(t, "full"), &log), 0) << log;
  // Killed right after step 6 is logged: checkpoint-4 exists, metrics.jsonl has steps 1..6.
  const int status = test::run_command("GRPO_SFT_KILL_AFTER_STEP=6 " + sft_command(t, "killed"), &log);
  EXPECT_NE(status, 0) << log;
  const fs::path killed = t.dir.path() / "killed";
  ASSERT_TRUE(fs::exists(killed / "checkpoint-4"));
  EXPECT_FALSE(fs::exists(killed / "checkpoint-8"));
  EXPECT_EQ(read_metrics_jsonl((killed / "metrics.jsonl").string()).size(), 6u);
  ASSERT_EQ(test::run_command(sft_command(t, "killed"), &log), 0) << log;
  EXPECT_NE(log.find("resume: from"), std::string::npos) << log;

  auto a = load_causal_lm((t.dir.path() / "full/checkpoint-8").string(), torch::kCPU, torch::kFloat);
  auto b = load_causal_lm((killed / "checkpoint-8").string(), torch::kCPU, torch::kFloat);
  const auto pa = a->named_parameters(), pb = b->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& item : pa) EXPECT_TRUE(torch::equal(item.value(), pb[item.key()])) << item.key();

  const auto ma = read_metrics_jsonl((t.dir.path() / "full/metrics.jsonl").string());
  const auto mb = read_metrics_jsonl((killed / "metrics.jsonl").string());
  ASSERT_EQ(ma.size(), 8u);
  ASSERT_EQ(mb.size(), 8u);  // the lost step 5..6 lines were dropped on resume, then re-logged once
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(mb[i].first, static_cast<int64_t>(i + 1));
    for (const auto& [k, v] : ma[i].second)
      if (k == "loss" || k == "grad_norm" || k == "learning_rate" || k == "num_tokens")
        for (const auto& [k2, v2] : mb[i].second) {
          if (k2 == k) {
            EXPECT_EQ(v, v2) << k << " at step " << i + 1;
          }
        }
  }
}

}  // namespace
}  // namespace grpo
