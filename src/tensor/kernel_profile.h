// Opt-in GPU kernel profile of one command, through the Kineto profiler built into LibTorch:
// `GRPO_PROFILE=FILE grpo ...` writes a table of device time per kernel name (calls, total, mean,
// share) to FILE when the command ends, and `GRPO_PROFILE_TRACE=1` adds a Chrome trace FILE.json.
// Kernels replayed from CUDA graphs are included (CUPTI reports them one by one).
#pragma once
#include <memory>
#include <string>

namespace grpo {

class KernelProfile {
 public:
  // Starts a session when GRPO_PROFILE is set; nullptr otherwise.
  static std::unique_ptr<KernelProfile> from_env();
  explicit KernelProfile(std::string path, bool with_trace);
  ~KernelProfile();  // stops the profiler and writes the table (errors go to stderr: a profile never fails a run)
  KernelProfile(const KernelProfile&) = delete;
  KernelProfile& operator=(const KernelProfile&) = delete;

 private:
  std::string path_;
  bool with_trace_;
};

}  // namespace grpo
