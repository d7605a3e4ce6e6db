// The GRPO loop end to end on CPU with a tiny HF-made policy (oracle_tiny_policy.py): it learns a
// reward it can reach (emit digits: random init scores ~0.15), and a run killed with SIGKILL after a
// checkpoint resumes to bit-identical final weights and one metrics line per step.
#include "trainer/grpo_trainer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "src/metrics/metrics_log.h"
#include "src/util/fs.h"
#include "src/util/process.h"
#include "tests/test_util.h"

namespace grpo {
namespace {

std::string tiny_policy() { return (test::testdata_dir() / "trainer" / "tiny_policy").string(); }

// A config whose reward is the fraction of 4 "at least k digits" rules that match (k = 1..4).
std::string write_config(const test::TempDir& dir, int steps, int save_every, double lr) {
  {
    std::ofstream data(dir.path() / "data.jsonl");
    for (int i = 0; i < 16; ++i) data << "{\"prompt\": \"Task " << i << ": write digits.\"}\n";
  }
  const auto path = dir.path() / "cfg.yaml";
  std::ofstream(path) << "model: {path: " << tiny_policy() << "}\n"
                      << "data: {path: " << (dir.path() / "data.jsonl").string() << ", template: '{prompt} '}\n"
                      << "rollout: {batch_size: 32, num_generations: 8, max_new_tokens: 12}\n"
                      << "optim: {lr: " << lr << "}\n"
                      << "run: {output_dir: " << (dir.path() / "run").string() << ", steps: " << steps
                      << ", save_every: " << save_every << ", tensorboard: false}\n"
                      << "rewards:\n  functions:\n    - name: regex\n      label: digits\n      params:\n"
                      << "        combine: mean\n        rules:\n"
                      << "          - {pattern: '[0-9]'}\n          - {pattern: '[0-9].*[0-9]'}\n"
                      << "          - {pattern: '[0-9].*[0-9].*[0-9]'}\n          - {pattern: '[0-9].*[0-9].*[0-9].*[0-9]'}\n";
  return path.string();
}

double mean_metric(const std::vector<std::pair<int64_t, Metrics>>& rows, size_t from, size_t to, const std::string& key) {
  double sum = 0;
  for (size_t i = from; i < to; ++i)
    for (const auto& [k, v] : rows[i].second)
      if (k == key) sum += v;
  return sum / static_cast<double>(to - from);
}

TEST(GrpoTrainer, RewardRisesOnCpu) {
  test::TempDir dir;
  GrpoTrainer trainer(load_grpo_config(write_config(dir, 24, 0, 3e-3)));
  const std::string last = trainer.train();
  EXPECT_EQ(last, (dir.path() / "run" / "checkpoint-24").string());
  const auto rows = read_metrics_jsonl((dir.path() / "run" / "metrics.jsonl").string());
  ASSERT_EQ(rows.size(), 24u);
  const double before = mean_metric(rows, 0, 4, "reward"), after = mean_metric(rows, 20, 24, "reward");
  // Random init emits a digit with p ~ 10/264 per token; the policy must learn to emit many.
  EXPECT_LT(before, 0.35);
  EXPECT_GT(after, before + 0.35) << "reward " << before << " -> " << after;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "run" / "samples.jsonl"));
}

// The loss contributions of the micro-batches sum to the step's objective (trainer/aggregate.h), so
// the gradient — and its logged norm — must not depend on how the batch is split. bnpo is left out:
// its objective is defined per micro-batch (TRL semantics).
TEST(GrpoTrainer, MicroBatchingDoesNotChangeTheGradient) {
  for (const char* loss_type : {"grpo", "dr_grpo", "dapo"}) {
    double norms[2] = {0, 0}, losses[2] = {0, 0};
    for (int split = 0; split < 2; ++split) {
      test::TempDir dir;
      const std::string budget = split == 0 ? "100000" : "40";  // one micro-batch vs ~one sequence each
      auto cfg = load_grpo_config(write_config(dir, 1, 0, 3e-3),
                                  {std::string("algorithm.loss_type=") + loss_type, "run.micro_batch_tokens=" + budget,
                                   "algorithm.beta=0.05"});
      GrpoTrainer(std::move(cfg)).train();
      const auto rows = read_metrics_jsonl((dir.path() / "run" / "metrics.jsonl").string());
      ASSERT_EQ(rows.size(), 1u);
      norms[split] = mean_metric(rows, 0, 1, "grad_norm");
      losses[split] = mean_metric(rows, 0, 1, "loss");
    }
    EXPECT_GT(norms[0], 0.0) << loss_type;
    EXPECT_NEAR(norms[1], norms[0], 1e-5 * norms[0]) << loss_type;
    EXPECT_NEAR(losses[1], losses[0], 1e-6 + 1e-5 * std::abs(losses[0])) << loss_type;
  }
}

// The same learning run on the GPU in bf16 (rollout and update on CUDA, fp32 master weights).
TEST(GrpoTrainerCuda, RewardRisesInBf16) {
  GRPO_REQUIRE_CUDA();
  test::TempDir dir;
  GrpoTrainer trainer(load_grpo_config(write_config(dir, 24, 0, 3e-3), {"model.device=cuda", "model.dtype=bf16"}));
  trainer.train();
  const auto rows = read_metrics_jsonl((dir.path() / "run" / "metrics.jsonl").string());
  ASSERT_EQ(rows.size(), 24u);
  const double before = mean_metric(rows, 0, 4, "reward"), after = mean_metric(rows, 20, 24, "reward");
  EXPECT_GT(after, before + 0.35) << "reward " << before << " -> " << after;
  EXPECT_LT(mean_metric(rows, 0, 24, "sampling/logprob_diff"), 0.05);  // sampler and trainer agree in bf16
}

// The stateful options together — two updates per rollout, a KL reference refreshed from the policy
// every 4 steps (saved in the checkpoint once refreshed), DAPO dynamic sampling — and a run stopped at
// the step-4 checkpoint then resumed: the final weights equal an uninterrupted run's.
TEST(GrpoTrainer, ReferenceRefreshAndDynamicSamplingResumeExactly) {
  const std::vector<std::string> options = {"algorithm.beta=0.05", "algorithm.ref_refresh_steps=4",
                                            "algorithm.num_iterations=2", "rollout.dynamic_sampling=true",
                                            "rollout.max_sampling_rounds=2", "algorithm.loss_type=grpo"};
  test::TempDir straight, stopped;
  GrpoTrainer(load_grpo_config(write_config(straight, 8, 4, 3e-3), options)).train();
  auto first_half = options;
  first_half.push_back("run.steps=4");
  GrpoTrainer(load_grpo_config(write_config(stopped, 8, 4, 3e-3), first_half)).train();
  EXPECT_TRUE(std::filesystem::exists(stopped.path() / "run" / "checkpoint-4" / "reference" / "model.safetensors"));
  GrpoTrainer(load_grpo_config(write_config(stopped, 8, 4, 3e-3), options)).train();
  EXPECT_EQ(read_file((straight.path() / "run" / "checkpoint-8" / "model.safetensors").string()),
            read_file((stopped.path() / "run" / "checkpoint-8" / "model.safetensors").string()));
  const auto rows = read_metrics_jsonl((straight.path() / "run" / "metrics.jsonl").string());
  ASSERT_EQ(rows.size(), 4u);  // one line per rollout: steps 2, 4, 6, 8
  EXPECT_EQ(rows.back().first, 8);
  EXPECT_GT(mean_metric(rows, 1, 4, "kl"), 0.0);  // the policy has moved away from the reference
}

TEST(GrpoTrainer, KilledRunResumesToIdenticalWeights) {
  constexpr int kSteps = 12;
  test::TempDir straight, killed;
  const std::string cfg_straight = write_config(straight, kSteps, 4, 3e-3);
  const std::string cfg_killed = write_config(killed, kSteps, 4, 3e-3);
  ASSERT_EQ(test::run_command(test::grpo_binary() + " train --config " + cfg_straight + " > /dev/null 2>&1"), 0);

  // Kill -9 as soon as the first checkpoint is complete (its `latest` pointer written).
  const pid_t pid = spawn_process({test::grpo_binary(), "train", "--config", cfg_killed});
  const auto run = killed.path() / "run";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!std::filesystem::exists(run / "latest") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
  ASSERT_FALSE(std::filesystem::exists(run / ("checkpoint-" + std::to_string(kSteps))));

  ASSERT_EQ(test::run_command(test::grpo_binary() + " train --config " + cfg_killed + " > /dev/null 2>&1"), 0);
  const auto final_name = "checkpoint-" + std::to_string(kSteps);
  for (const char* file : {"model.safetensors", "optimizer.pt", "trainer_state.json"})
    EXPECT_EQ(read_file((straight.path() / "run" / final_name / file).string()),
              read_file((run / final_name / file).string()))
        << file << " differs between the straight and the resumed run";
  const auto rows = read_metrics_jsonl((run / "metrics.jsonl").string());
  std::set<int64_t> steps;
  for (const auto& r : rows) steps.insert(r.first);
  EXPECT_EQ(rows.size(), static_cast<size_t>(kSteps));
  EXPECT_EQ(steps.size(), static_cast<size_t>(kSteps));
}

}  // namespace
}  // namespace grpo
