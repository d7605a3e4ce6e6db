// Shared helpers for the GoogleTest suites: where the sources, oracle data and binary are, and
// the guard that skips GPU tests on machines without one (CI).
#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace grpo::test {

inline std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}
// Repository root (set by CTest; defaults to the working directory).
inline std::filesystem::path source_dir() { return env_or("GRPO_SOURCE_DIR", "."); }
// Where tests/<dir>/oracle_*.py wrote their reference data.
inline std::filesystem::path testdata_dir() { return env_or("GRPO_TESTDATA", "testdata"); }
inline std::string python() { return env_or("GRPO_PYTHON", "python3"); }
inline std::string grpo_binary() { return env_or("GRPO_BINARY", "grpo"); }

// A fresh empty directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command, returns its exit status and captures stdout (stderr passes through).
int run_command(const std::string& command, std::string* output = nullptr);

bool cuda_present();

}  // namespace grpo::test

// First statement of every test in a *Cuda* suite.
#define GRPO_REQUIRE_CUDA()                                             \
  do {                                                                  \
    if (!::grpo::test::cuda_present()) GTEST_SKIP() << "no CUDA device"; \
  } while (0)
