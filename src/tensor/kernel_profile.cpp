// Kineto session start/stop and the per-kernel summary table.
#include "src/tensor/kernel_profile.h"

#include <fmt/format.h>
#include <torch/csrc/autograd/profiler_kineto.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

namespace grpo {
namespace {

namespace prof = torch::profiler::impl;

std::set<prof::ActivityType> activities() {
  std::set<prof::ActivityType> a{prof::ActivityType::CPU};
  if (torch::cuda::is_available()) a.insert(prof::ActivityType::CUDA);
  return a;
}

prof::ProfilerConfig config() { return prof::ProfilerConfig(prof::ProfilerState::KINETO); }

struct KernelTotals {
  int64_t calls = 0;
  uint64_t ns = 0;
};

std::string summary_table(const std::vector<torch::autograd::profiler::KinetoEvent>& events) {
  std::map<std::string, KernelTotals> by_name;
  uint64_t all_ns = 0;
  for (const auto& e : events) {
    if (e.deviceType() != c10::DeviceType::CUDA) continue;
    auto& t = by_name[e.name()];
    t.calls += 1;
    t.ns += e.durationNs();
    all_ns += e.durationNs();
  }
  std::vector<std::pair<std::string, KernelTotals>> rows(by_name.begin(), by_name.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.ns > b.second.ns; });
  std::string out = fmt::format("device time {:.3f} ms in {} kernel names\n{:>10} {:>8} {:>10} {:>6}  name\n",
                                all_ns / 1e6, rows.size(), "total_ms", "calls", "mean_us", "share");
  for (const auto& [name, t] : rows)
    out += fmt::format("{:>10.3f} {:>8} {:>10.2f} {:>5.1f}%  {}\n", t.ns / 1e6, t.calls, t.ns / 1e3 / t.calls,
                       all_ns ? 100.0 * t.ns / all_ns : 0.0, name.substr(0, 160));
  return out;
}

}  // namespace

std::unique_ptr<KernelProfile> KernelProfile::from_env() {
  const char* path = std::getenv("GRPO_PROFILE");
  if (path == nullptr || *path == '\0') return nullptr;
  const char* trace = std::getenv("GRPO_PROFILE_TRACE");
  return std::make_unique<KernelProfile>(path, trace != nullptr && std::string(trace) == "1");
}

KernelProfile::KernelProfile(std::string path, bool with_trace) : path_(std::move(path)), with_trace_(with_trace) {
  torch::autograd::profiler::prepareProfiler(config(), activities());
  torch::autograd::profiler::enableProfiler(config(), activities());
}

KernelProfile::~KernelProfile() {
  try {
    if (torch::cuda::is_available()) torch::cuda::synchronize();
    auto result = torch::autograd::profiler::disableProfiler();
    const std::string table = summary_table(result->events());
    if (FILE* f = std::fopen(path_.c_str(), "w")) {
      std::fputs(table.c_str(), f);
      std::fclose(f);
    } else {
      std::fprintf(stderr, "grpo: profile: cannot write %s\n", path_.c_str());
    }
    if (with_trace_) result->save(path_ + ".json");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "grpo: profile: %s\n", e.what());
  }
}

}  // namespace grpo
