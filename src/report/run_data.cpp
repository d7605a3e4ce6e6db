// Readers of a run directory's files for the report (see run_data.h).
#include "src/report/run_data.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "src/metrics/metrics_log.h"
#include "src/util/error.h"
#include "src/util/fs.h"
#include "src/util/jsonl.h"

namespace grpo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
namespace fs = std::filesystem;

// A number or null (NaN); anything else fails with `where: field 'name': ...`.
double number_or_null(const Json& v, const std::string& where, const std::string& field) {
  if (v.is_null()) return kNaN;
  if (!v.is_number()) fail("{}: field '{}': expected a number or null, got {}. HINT: fix or delete this line", where, field, v.type_name());
  return v.get<double>();
}

double optional_number(const Json& obj, const char* field, const std::string& where) {
  auto it = obj.find(field);
  return it == obj.end() ? kNaN : number_or_null(*it, where, field);
}

std::optional<int64_t> optional_int(const Json& obj, const char* field, const std::string& where) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) fail("{}: field '{}': expected an integer or null, got {}. HINT: fix or delete this line", where, field, it->dump());
  return it->get<int64_t>();
}

std::string optional_string(const Json& obj, const char* field, const std::string& where) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return "";
  if (!it->is_string()) fail("{}: field '{}': expected a string, got {}. HINT: fix or delete this line", where, field, it->type_name());
  return it->get<std::string>();
}

SampleRecord parse_sample(const JsonlRow& row) {
  const Json& v = row.value;
  const std::string where = row.where();
  SampleRecord s;
  const auto step = optional_int(v, "step", where);
  if (!step) fail("{}: missing field 'step'. HINT: samples.jsonl lines are written by grpo train", where);
  s.step = *step;
  if (!v.contains("completion") || !v["completion"].is_string())
    fail("{}: field 'completion': expected a string. HINT: samples.jsonl lines are written by grpo train", where);
  s.completion = v["completion"].get<std::string>();
  s.prompt = optional_string(v, "prompt", where);
  s.finish_reason = optional_string(v, "finish_reason", where);
  s.prompt_index = optional_int(v, "prompt_index", where).value_or(-1);
  s.sample_index = optional_int(v, "sample_index", where).value_or(-1);
  s.completion_tokens = optional_int(v, "completion_tokens", where).value_or(-1);
  s.reward = optional_number(v, "reward", where);
  s.advantage = optional_number(v, "advantage", where);
  if (auto it = v.find("rewards"); it != v.end() && !it->is_null()) {
    if (!it->is_object()) fail("{}: field 'rewards': expected an object {{label: score}}, got {}", where, it->type_name());
    for (const auto& [label, score] : it->items()) s.rewards.emplace_back(label, number_or_null(score, where, "rewards." + label));
  }
  return s;
}

// 1-based line of byte offset `pos` in `text`.
int line_of(const std::string& text, size_t pos) {
  pos = std::min(pos, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

}  // namespace

const MetricSeries* RunMetrics::find(const std::string& name) const {
  auto it = series.find(name);
  return it == series.end() || it->second.steps.empty() ? nullptr : &it->second;
}

RunMetrics read_run_metrics(const std::string& path) {
  RunMetrics m;
  const auto rows = read_metrics_jsonl(path);
  m.rows = rows.size();
  // Stable sort by step: a resumed run that was not truncated must not draw lines backwards.
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a].first < rows[b].first; });
  for (size_t i : order) {
    const auto& [step, metrics] = rows[i];
    for (const auto& [name, value] : metrics) {
      auto [it, added] = m.series.try_emplace(name);
      it->second.steps.push_back(static_cast<double>(step));
      it->second.values.push_back(value);
    }
  }
  for (const auto& row : rows)  // names in order of first appearance in the file
    for (const auto& kv : row.second)
      if (std::find(m.names.begin(), m.names.end(), kv.first) == m.names.end()) m.names.push_back(kv.first);
  if (!order.empty()) m.first_step = rows[order.front()].first, m.last_step = rows[order.back()].first;
  return m;
}

std::vector<SampleRecord> read_samples(const std::string& path) {
  std::vector<SampleRecord> out;
  for_each_jsonl(path, [&](const JsonlRow& row) { out.push_back(parse_sample(row)); });
  return out;
}

EvalRecord read_eval_json(const std::string& path) {
  const std::string text = read_file(path);
  Json v;
  try {
    v = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail("{}: invalid JSON: {}. HINT: eval files are written by grpo eval --output", location(path, line_of(text, e.byte > 0 ? e.byte - 1 : 0)), e.what());
  }
  if (!v.is_object()) fail("{}: expected a JSON object, got {}", location(path, 1), v.type_name());
  EvalRecord r;
  r.file = path;
  r.label = optional_string(v, "label", path);
  if (r.label.empty()) r.label = fs::path(path).stem().string();
  r.step = optional_int(v, "step", path);
  r.k = optional_int(v, "k", path);
  r.pass_at_1 = optional_number(v, "pass@1", path);
  r.maj_at_k = optional_number(v, "maj@k", path);
  r.format_rate = optional_number(v, "format_rate", path);
  r.mean_response_tokens = optional_number(v, "mean_response_tokens", path);
  r.temperature = optional_number(v, "temperature", path);
  return r;
}

std::vector<EvalRecord> read_eval_dir(const std::string& dir) {
  std::vector<EvalRecord> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) out.push_back(read_eval_json(f));
  // Base model (step null) first, then checkpoints by step, then label.
  std::stable_sort(out.begin(), out.end(), [](const EvalRecord& a, const EvalRecord& b) {
    const int64_t sa = a.step.value_or(-1), sb = b.step.value_or(-1);
    return sa != sb ? sa < sb : a.label < b.label;
  });
  return out;
}

RunData read_run(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail("{}: not a directory. HINT: pass the trainer's output_dir with --run", dir);
  RunData d;
  d.dir = dir;
  const std::string metrics = dir + "/metrics.jsonl", samples = dir + "/samples.jsonl", config = dir + "/config.yaml";
  if (fs::exists(metrics)) d.has_metrics = true, d.metrics = read_run_metrics(metrics);
  if (fs::exists(samples)) d.has_samples = true, d.samples = read_samples(samples);
  if (fs::exists(config)) d.config_yaml = read_file(config);
  d.evals = read_eval_dir(dir + "/eval");
  if (!d.has_metrics && !d.has_samples && d.evals.empty())
    fail("{}: no metrics.jsonl, samples.jsonl or eval/*.json. HINT: pass the output_dir of grpo train or grpo sft", dir);
  return d;
}

}  // namespace grpo
