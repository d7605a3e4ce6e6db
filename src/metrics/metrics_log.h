// Per-step metrics of a run, written to <run>/metrics.jsonl (one JSON object per step) and to
// TensorBoard event files in <run>/tensorboard/. Metric names are the caller's (the trainer uses
// TRL/verl names such as "train/reward_mean"). Torch-free; not thread-safe.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace grpo {

class TensorBoardWriter;

struct MetricsLogOptions {
  bool jsonl = true;
  bool tensorboard = true;
};

using Metrics = std::vector<std::pair<std::string, double>>;  // kept in insertion order

class MetricsLog {
 public:
  MetricsLog(const std::string& run_dir, const MetricsLogOptions& opts);
  ~MetricsLog();
  void log(int64_t step, const Metrics& metrics);
  // On resume: drop JSONL lines of steps after `step` (they belong to the lost part of a killed run).
  void truncate_after(int64_t step);
  const std::string& jsonl_path() const { return jsonl_path_; }

 private:
  std::string jsonl_path_;
  MetricsLogOptions opts_;
  std::unique_ptr<TensorBoardWriter> tensorboard_;
};

// Keeps the lines of a JSONL file whose "step" is <= step (and drops a torn last line): how a
// resumed run forgets what a killed one wrote after its last checkpoint. A missing file is fine.
void truncate_jsonl_after_step(const std::string& path, int64_t step);

// Reads metrics.jsonl back (for reports and tests): (step, metrics) per line.
std::vector<std::pair<int64_t, Metrics>> read_metrics_jsonl(const std::string& path);

}  // namespace grpo
