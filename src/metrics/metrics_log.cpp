// JSONL + TensorBoard metrics sink (see metrics_log.h).
#include "src/metrics/metrics_log.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "src/metrics/tensorboard.h"
#include "src/util/error.h"
#include "src/util/fs.h"
#include "src/util/jsonl.h"

namespace grpo {

MetricsLog::MetricsLog(const std::string& run_dir, const MetricsLogOptions& opts)
    : jsonl_path_(run_dir + "/metrics.jsonl"), opts_(opts) {
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  if (ec) fail("{}: cannot create run directory: {}", run_dir, ec.message());
  if (opts_.tensorboard) {
    std::filesystem::create_directories(run_dir + "/tensorboard", ec);
    tensorboard_ = std::make_unique<TensorBoardWriter>(run_dir + "/tensorboard");
  }
}

MetricsLog::~MetricsLog() = default;

void MetricsLog::log(int64_t step, const Metrics& metrics) {
  if (opts_.jsonl) {
    Json line = Json::object();
    line["step"] = step;
    line["time"] = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (const auto& [name, value] : metrics) line[name] = std::isfinite(value) ? Json(value) : Json(nullptr);
    std::ofstream out(jsonl_path_, std::ios::app);
    if (!out) fail("{}: cannot append metrics", jsonl_path_);
    out << line.dump() << '\n';
  }
  if (tensorboard_) {
    for (const auto& [name, value] : metrics) tensorboard_->add_scalar(name, static_cast<float>(value), step);
    tensorboard_->flush();
  }
}

void MetricsLog::truncate_after(int64_t step) {
  if (opts_.jsonl) truncate_jsonl_after_step(jsonl_path_, step);
}

void truncate_jsonl_after_step(const std::string& path, int64_t step) {
  if (!std::filesystem::exists(path)) return;
  // Line by line, not for_each_jsonl: a run killed mid-write may have left a torn last line,
  // which is dropped here rather than reported.
  const std::string text = read_file(path);
  std::string kept;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + begin, end - begin);
    begin = end + 1;
    const Json row = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (row.is_object() && row.value("step", int64_t{0}) <= step) kept += row.dump() + "\n";
  }
  write_file_atomic(path, kept);
}

std::vector<std::pair<int64_t, Metrics>> read_metrics_jsonl(const std::string& path) {
  std::vector<std::pair<int64_t, Metrics>> rows;
  for_each_jsonl(path, [&](const JsonlRow& row) {
    Metrics m;
    for (const auto& [key, value] : row.value.items())
      if (key != "step" && key != "time" && value.is_number()) m.emplace_back(key, value.get<double>());
    rows.emplace_back(json_field<int64_t>(row, "step"), std::move(m));
  });
  return rows;
}

}  // namespace grpo
