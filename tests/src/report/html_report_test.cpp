// The whole page from a synthetic run directory (MetricsLog's metrics.jsonl, samples.jsonl, eval
// JSON, config.yaml): every chart title present, no network references, no script, escaped user
// text, well-formed XML (Python's expat); an SFT-only run still renders.
#include "src/report/html_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "src/metrics/metrics_log.h"
#include "test_util.h"

namespace grpo {
namespace {

std::string xml_tags(const std::string& xml) {
  test::TempDir dir;
  const auto file = dir.path() / "report.html";
  std::ofstream(file) << xml;
  std::string out;
  const std::string script = (test::source_dir() / "tests/src/report/check_xml.py").string();
  EXPECT_EQ(test::run_command(test::python() + " " + script + " " + file.string(), &out), 0) << out;
  return out;
}

void write_grpo_run(const std::string& run) {
  MetricsLog log(run, MetricsLogOptions{true, false});
  for (int step = 1; step <= 40; ++step) {
    const double t = step / 40.0;
    log.log(step, {{"reward", 0.2 + t}, {"reward_std", 0.3}, {"rewards/accuracy/mean", t},
                   {"rewards/format/mean", 0.2 + 0.8 * t}, {"accuracy", t}, {"format_rate", 0.2 + 0.8 * t},
                   {"completions/mean_length", 100 + step}, {"completions/min_length", 20},
                   {"completions/max_length", 200 + step}, {"kl", step == 5 ? std::nan("") : 0.001 * step},
                   {"entropy", 1.0 - 0.01 * step}, {"loss", 0.01}, {"grad_norm", 1.0 / step},
                   {"learning_rate", 1e-6}, {"time/rollout_s", 3.5}});
  }
  std::ofstream samples(run + "/samples.jsonl");
  for (int step : {10, 20, 30, 40})
    for (int i = 0; i < 4; ++i)
      samples << nlohmann::json{{"step", step}, {"prompt_index", 0}, {"sample_index", i}, {"prompt", "What is 2+2? <think>"},
                                {"completion", i == 0 ? "Wait, </script><b>bold</b> let me check: 4" : "the answer is " + std::to_string(i)},
                                {"rewards", {{"accuracy", i == 0 ? 1.0 : 0.0}, {"format", 1.0}}}, {"reward", i == 0 ? 2.0 : 1.0},
                                {"advantage", i == 0 ? 1.5 : -0.5}, {"completion_tokens", 12}, {"finish_reason", "stop"}}
                     .dump()
              << "\n";
  std::filesystem::create_directories(run + "/eval");
  std::ofstream(run + "/eval/base.json") << R"({"label": "base", "step": null, "pass@1": 0.31, "maj@k": 0.4, "format_rate": 0.7, "mean_response_tokens": 80.5, "k": 8, "temperature": 0.6})";
  std::ofstream(run + "/eval/final.json") << R"({"label": "final", "step": 40, "pass@1": 0.52, "maj@k": 0.6, "format_rate": 0.98, "mean_response_tokens": 140, "k": 8, "temperature": 0.6})";
  std::ofstream(run + "/config.yaml") << "model:\n  path: /models/qwen <small>\ntrainer:\n  beta: 0.04\n";
}

TEST(HtmlReport, GrpoRunHasEveryChartAndNoNetwork) {
  test::TempDir dir;
  const std::string run = (dir.path() / "run1").string();
  write_grpo_run(run);
  const std::string html = render_report(read_run(run), ReportOptions{});
  for (const char* title : {"Reward", "Accuracy", "Format rate", "KL divergence to the reference", "Entropy",
                            "Response length (tokens)", "Loss", "Reflection words per completion",
                            "Completions with a reflection word (fraction)", "reward_std", "grad_norm",
                            "learning_rate", "time/rollout_s"})
    EXPECT_NE(html.find(std::string("<title>") + title + "</title>"), std::string::npos) << title;
  // Reward lines per function (labels from rewards/<label>/mean), length band.
  EXPECT_NE(html.find(">accuracy (last 1)<"), std::string::npos);
  EXPECT_NE(html.find(">format (last 1)<"), std::string::npos);
  EXPECT_NE(html.find("class=\"band\""), std::string::npos);
  EXPECT_EQ(html.find("<title>rewards/accuracy/mean</title>"), std::string::npos);  // drawn in "Reward" already
  // Self-contained: no URL, no script, no external stylesheet or font.
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  // User text is text.
  EXPECT_NE(html.find("&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("/models/qwen &lt;small&gt;"), std::string::npos);
  // Summary, eval table (base before final), samples from first and last dumped step.
  EXPECT_NE(html.find("best accuracy (step 40)"), std::string::npos);
  EXPECT_LT(html.find(">base</td>"), html.find(">final</td>"));
  EXPECT_NE(html.find("Step 10 "), std::string::npos);
  EXPECT_NE(html.find("Step 40 "), std::string::npos);
  EXPECT_NE(html.find("<mark>Wait</mark>"), std::string::npos);
  const std::string tags = xml_tags(html);
  EXPECT_NE(tags.find("root=html"), std::string::npos) << tags;
  // 7 main charts (reward, accuracy, format, kl, entropy, length, loss) + 2 reflection + 4 others
  // (reward_std, grad_norm, learning_rate, time/rollout_s; min/max length are the length band).
  EXPECT_NE(tags.find("svg 13"), std::string::npos) << tags;
}

TEST(HtmlReport, SftRunDrawsWhatItCan) {
  test::TempDir dir;
  const std::string run = (dir.path() / "sft").string();
  {
    MetricsLog log(run, MetricsLogOptions{true, false});
    log.log(1, {{"loss", 2.0}, {"grad_norm", 1.0}, {"learning_rate", 1e-5}, {"tokens_per_s", 900}, {"num_tokens", 512}});
  }
  const std::string html = render_report(read_run(run), ReportOptions{});
  EXPECT_NE(html.find("<title>Loss</title>"), std::string::npos);
  EXPECT_NE(html.find("<title>num_tokens</title>"), std::string::npos);
  EXPECT_EQ(html.find("<title>Reward</title>"), std::string::npos);
  EXPECT_NE(html.find("Not logged in this run: reward accuracy format_rate kl entropy completions/mean_length."), std::string::npos);
  EXPECT_NE(html.find("No eval results"), std::string::npos);
  EXPECT_NE(html.find("No samples"), std::string::npos);
  EXPECT_NE(html.find("<circle"), std::string::npos);  // one step: dots, not lines
  xml_tags(html);
}

}  // namespace
}  // namespace grpo
