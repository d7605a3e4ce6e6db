// `grpo pipeline` for real, on the CPU with the shipped tiny countdown base model: cold-start SFT ->
// reasoning GRPO -> rejection sampling -> mix with general SFT data -> SFT -> GRPO, all six stages
// as child processes. The run is killed (SIGKILL to the whole process group) inside stage 2 after its
// first checkpoint; the same command then skips stage 1, resumes stage 2 from that checkpoint and
// finishes; a third run skips everything.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "src/metrics/metrics_log.h"
#include "src/util/process.h"
#include "tests/test_util.h"

namespace grpo {
namespace {

const char* kTask = R"("prompt": "Using the numbers [3, 5, 7], create an equation that equals 22", "nums": [3, 5, 7], "target": 22)";

void write_data(const std::filesystem::path& dir) {
  std::ofstream cot(dir / "cot.jsonl"), prompts(dir / "prompts.jsonl"), general(dir / "general.jsonl");
  for (int i = 0; i < 4; ++i) {
    cot << "{" << kTask << R"(, "completion": " <think> 3*5=15, 15+7=22, yes. </think> <answer> 3*5+7 </answer>"})" << "\n";
    prompts << "{" << kTask << "}\n";
    general << R"({"prompt": "Using the numbers [1, 2, 3], create an equation that equals 6", "completion": " <think> 1+2=3, 3+3=6, yes. </think> <answer> 1+2+3 </answer>"})" << "\n";
  }
}

std::string pipeline_yaml(const std::filesystem::path& dir) {
  const std::string src = test::source_dir().string(), d = dir.string();
  const std::string sft = "['model.path=${base}', data.template=r1_zero, data.max_seq_len=256, run.micro_batch_tokens=2048, "
                          "run.steps=2, run.save_every=0, batch.examples_per_step=4, ";
  const std::string rl = "[data.path=" + d + "/prompts.jsonl, rollout.batch_size=16, rollout.max_new_tokens=24, "
                         "run.save_every=2, ";
  return "output_dir: " + d + "/out\n"
         "vars: {base: " + src + "/examples/countdown/base}\n"
         "stages:\n"
         "  - {name: cold_start, kind: sft, config: " + src + "/configs/tiny_sft_cpu.yaml, overrides: " + sft +
         "data.path=" + d + "/cot.jsonl]}\n"
         "  - {name: reasoning_rl, kind: train, config: " + src + "/configs/countdown_tiny_cpu.yaml, overrides: " + rl +
         "'model.path=${cold_start.model}', run.steps=6]}\n"
         "  - name: rejection\n    kind: sample\n"
         "    args: {model: '${reasoning_rl.model}', data: " + d + "/prompts.jsonl, rewards: " + src +
         "/examples/countdown/rewards.yaml, keep: 'format >= 0', n: '4', template: r1_zero, max-new-tokens: '24'}\n"
         "  - name: mixed\n    kind: mix\n    size: 8\n"
         "    sources: [{path: '${rejection.output}', weight: 3}, {path: " + d + "/general.jsonl, weight: 1}]\n"
         "  - {name: sft_all, kind: sft, config: " + src + "/configs/tiny_sft_cpu.yaml, overrides: " + sft +
         "'data.path=${mixed.output}']}\n"
         "  - {name: all_rl, kind: train, config: " + src + "/configs/countdown_tiny_cpu.yaml, overrides: " + rl +
         "'model.path=${sft_all.model}', run.steps=2]}\n";
}

TEST(CmdPipeline, SixStagesKilledInStageTwoResume) {
  test::TempDir dir;
  write_data(dir.path());
  const auto yaml = (dir.path() / "pipeline.yaml").string();
  std::ofstream(yaml) << pipeline_yaml(dir.path());
  const auto out = dir.path() / "out";
  const std::vector<std::string> command = {test::grpo_binary(), "pipeline", "--config", yaml};

  const pid_t pid = spawn_process(command, /*own_process_group=*/true);  // the kill reaches the stage too
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  int status = 0;
  bool exited = false;
  while (!std::filesystem::exists(out / "reasoning_rl" / "latest") && std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(exited) << "the pipeline ended (status " << status << ") before stage 2's first checkpoint";
  kill(-pid, SIGKILL);
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the pipeline finished before it could be killed";
  ASSERT_TRUE(std::filesystem::exists(out / "cold_start" / ".stage_done.json"));
  ASSERT_FALSE(std::filesystem::exists(out / "reasoning_rl" / ".stage_done.json"));

  std::string log;
  std::string joined;
  for (const auto& a : command) joined += a + " ";
  ASSERT_EQ(test::run_command(joined + "2>&1", &log), 0) << log;
  EXPECT_NE(log.find("stage 1/6 'cold_start' already finished"), std::string::npos) << log;
  EXPECT_NE(log.find("resume: from " + (out / "reasoning_rl").string() + "/checkpoint-"), std::string::npos) << log;
  for (const char* stage : {"reasoning_rl", "rejection", "mixed", "sft_all", "all_rl"})
    EXPECT_TRUE(std::filesystem::exists(out / stage / ".stage_done.json")) << stage;
  // Stage 2's metrics: one line per step 1..6 although it ran in two processes.
  const auto rows = read_metrics_jsonl((out / "reasoning_rl" / "metrics.jsonl").string());
  ASSERT_EQ(rows.size(), 6u);
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].first, static_cast<int64_t>(i + 1));

  log.clear();
  ASSERT_EQ(test::run_command(joined + "2>&1", &log), 0) << log;
  EXPECT_EQ(log.find(" ran "), std::string::npos) << "a finished stage ran again:\n" << log;
}

}  // namespace
}  // namespace grpo
