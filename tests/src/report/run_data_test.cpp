// Reading a run directory: metrics written by MetricsLog, samples.jsonl, eval/*.json, and the
// located errors for malformed lines.
#include "src/report/run_data.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "src/metrics/metrics_log.h"
#include "test_util.h"

namespace grpo {
namespace {

using test::error_of;

TEST(RunData, MetricsBySeriesSortedWithGaps) {
  test::TempDir dir;
  const std::string run = dir.path().string();
  {
    MetricsLog log(run, MetricsLogOptions{true, false});
    log.log(3, {{"reward", 0.75}, {"kl", 0.02}});
    log.log(1, {{"reward", 0.25}, {"kl", 0.01}});  // out of order (a resumed run): sorted on read
    log.log(2, {{"reward", 0.5}, {"kl", std::nan("")}, {"entropy", 1.5}});  // NaN is written as null
  }
  const RunMetrics m = read_run_metrics(run + "/metrics.jsonl");
  EXPECT_EQ(m.rows, 3u);
  EXPECT_EQ(m.first_step, 1);
  EXPECT_EQ(m.last_step, 3);
  // First appearance in the file; within a line by key, as nlohmann::json keeps object keys sorted.
  EXPECT_EQ(m.names, (std::vector<std::string>{"kl", "reward", "entropy"}));
  EXPECT_EQ(m.find("reward")->steps, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(m.find("reward")->values, (std::vector<double>{0.25, 0.5, 0.75}));
  EXPECT_EQ(m.find("kl")->steps, (std::vector<double>{1, 3}));  // the null is a gap
  EXPECT_EQ(m.find("missing"), nullptr);
}

TEST(RunData, SamplesFieldsAndErrors) {
  test::TempDir dir;
  const std::string path = (dir.path() / "samples.jsonl").string();
  std::ofstream(path) << R"({"step": 10, "prompt_index": 0, "sample_index": 3, "prompt": "p", "completion": "c", )"
                         R"("rewards": {"accuracy": 1, "format": null}, "reward": 1.5, "advantage": -0.5, )"
                         R"("completion_tokens": 57, "finish_reason": "stop"})"
                         "\n"
                      << R"({"step": 20, "completion": "only"})" << "\n";
  const auto s = read_samples(path);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].step, 10);
  EXPECT_EQ(s[0].sample_index, 3);
  EXPECT_EQ(s[0].completion_tokens, 57);
  ASSERT_EQ(s[0].rewards.size(), 2u);
  EXPECT_EQ(s[0].rewards[0].first, "accuracy");
  EXPECT_TRUE(std::isnan(s[0].rewards[1].second));
  EXPECT_DOUBLE_EQ(s[0].advantage, -0.5);
  EXPECT_TRUE(std::isnan(s[1].reward));
  EXPECT_EQ(s[1].prompt_index, -1);

  auto bad = [&](const std::string& lines) {
    std::ofstream(path) << lines;
    return error_of([&] { read_samples(path); });
  };
  const std::string ok = R"({"step": 1, "completion": "x"})" "\n";
  EXPECT_NE(bad(ok + R"({"step": 2})" "\n").find("samples.jsonl:2: field 'completion'"), std::string::npos);
  EXPECT_NE(bad(ok + ok + R"({"step": 2, "completion": "x", "reward": "high"})").find("samples.jsonl:3: field 'reward'"), std::string::npos);
  EXPECT_NE(bad(R"({"completion": "x"})").find("samples.jsonl:1: missing field 'step'"), std::string::npos);
  EXPECT_NE(bad(ok + "{not json\n").find("samples.jsonl:2: invalid JSON"), std::string::npos);
  EXPECT_NE(bad(R"({"step": 1.5, "completion": "x"})").find("samples.jsonl:1: field 'step'"), std::string::npos);
  EXPECT_NE(bad(R"({"step": 1, "completion": "x", "rewards": {"a": "b"}})").find("field 'rewards.a'"), std::string::npos);
}

TEST(RunData, MalformedMetricsLineIsLocated) {
  test::TempDir dir;
  const std::string path = (dir.path() / "metrics.jsonl").string();
  std::ofstream(path) << R"({"step": 1, "loss": 2.0})" "\n" R"({"loss": 1.0})" "\n";
  EXPECT_NE(error_of([&] { read_run_metrics(path); }).find("metrics.jsonl:2: missing field 'step'"), std::string::npos);
  std::ofstream(path) << R"({"step": 1, "loss": 2.0})" "\n\n" R"({"step": 2, "loss": )" "\n";
  EXPECT_NE(error_of([&] { read_run_metrics(path); }).find("metrics.jsonl:3: invalid JSON"), std::string::npos);
}

TEST(RunData, EvalFilesOrderedBaseFirst) {
  test::TempDir dir;
  const auto eval = dir.path() / "eval";
  std::filesystem::create_directories(eval);
  std::ofstream(eval / "final.json") << R"({"label": "final", "step": 100, "pass@1": 0.4, "maj@k": 0.5, "k": 8, "temperature": 0.6})";
  std::ofstream(eval / "base.json") << R"({"label": "base", "step": null, "pass@1": 0.3, "format_rate": 0.7, "extra": [1]})";
  std::ofstream(eval / "mid.json") << R"({"step": 50, "mean_response_tokens": 80.5})";
  std::ofstream(eval / "notes.txt") << "ignored";
  const auto e = read_eval_dir(eval.string());
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].label, "base");
  EXPECT_FALSE(e[0].step.has_value());
  EXPECT_EQ(e[1].label, "mid");  // no label: the file name's stem
  EXPECT_DOUBLE_EQ(e[1].mean_response_tokens, 80.5);
  EXPECT_TRUE(std::isnan(e[1].pass_at_1));
  EXPECT_EQ(e[2].k, 8);
  EXPECT_DOUBLE_EQ(e[2].temperature, 0.6);
  EXPECT_TRUE(read_eval_dir((dir.path() / "none").string()).empty());

  std::ofstream(eval / "mid.json") << "{\n  \"step\": 50,\n  \"pass@1\": oops\n}";
  EXPECT_NE(error_of([&] { read_eval_dir(eval.string()); }).find("mid.json:3: invalid JSON"), std::string::npos);
  std::ofstream(eval / "mid.json") << R"({"pass@1": "high"})";
  EXPECT_NE(error_of([&] { read_eval_dir(eval.string()); }).find("mid.json: field 'pass@1'"), std::string::npos);
  std::ofstream(eval / "mid.json") << R"({"step": 2.5})";
  EXPECT_NE(error_of([&] { read_eval_dir(eval.string()); }).find("field 'step'"), std::string::npos);
}

TEST(RunData, RunDirectoryNeedsSomething) {
  test::TempDir dir;
  EXPECT_NE(error_of([&] { read_run(dir.path().string()); }).find("no metrics.jsonl"), std::string::npos);
  EXPECT_NE(error_of([&] { read_run((dir.path() / "nope").string()); }).find("not a directory"), std::string::npos);
  std::ofstream(dir.path() / "config.yaml") << "model: x\n";
  std::ofstream(dir.path() / "samples.jsonl") << R"({"step": 1, "completion": "x"})" "\n";
  const RunData d = read_run(dir.path().string());
  EXPECT_TRUE(d.has_samples);
  EXPECT_FALSE(d.has_metrics);
  EXPECT_EQ(d.config_yaml, "model: x\n");
}

}  // namespace
}  // namespace grpo
