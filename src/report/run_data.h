// Everything `grpo report` reads from a run directory (layout: docs/run_layout in the notes, written
// by `grpo train|sft|eval`): metrics.jsonl, samples.jsonl, eval/*.json and config.yaml. Malformed
// input throws grpo::Error naming file:line (and the field). Torch-free; used by html_report.cpp.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace grpo {

struct MetricSeries {
  std::vector<double> steps, values;  // ascending by step; steps where the metric was missing/null are absent
};

struct RunMetrics {
  std::vector<std::string> names;  // first appearance in the file; within a line by key (JSON objects are read sorted)
  std::map<std::string, MetricSeries> series;
  size_t rows = 0;
  int64_t first_step = 0, last_step = 0;
  const MetricSeries* find(const std::string& name) const;  // nullptr when absent or empty
};

struct SampleRecord {
  int64_t step = 0, prompt_index = -1, sample_index = -1, completion_tokens = -1;
  std::string prompt, completion, finish_reason;
  std::vector<std::pair<std::string, double>> rewards;  // per reward function; null -> NaN
  double reward = 0, advantage = 0;  // NaN when missing or null
};

struct EvalRecord {
  std::string file, label;
  std::optional<int64_t> step, k;
  double pass_at_1 = 0, maj_at_k = 0, format_rate = 0, mean_response_tokens = 0, temperature = 0;  // NaN: missing
};

struct RunData {
  std::string dir, config_yaml;  // config_yaml empty when config.yaml is absent
  bool has_metrics = false, has_samples = false;
  RunMetrics metrics;
  std::vector<SampleRecord> samples;
  std::vector<EvalRecord> evals;  // base (step null) first, then by step, then by label
};

RunMetrics read_run_metrics(const std::string& path);
std::vector<SampleRecord> read_samples(const std::string& path);
EvalRecord read_eval_json(const std::string& path);
std::vector<EvalRecord> read_eval_dir(const std::string& dir);  // eval/*.json; a missing dir -> empty

// Reads all of the above; a missing file is an empty part. A directory with none of them is an error.
RunData read_run(const std::string& dir);

}  // namespace grpo
