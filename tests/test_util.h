// Shared helpers for the GoogleTest suites: where the sources, oracle data and binary are, and
// the guard that skips GPU tests on machines without one (CI).
#pragma once
#include <gtest/gtest.h>

#include <sys/types.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "src/util/error.h"

namespace grpo::test {

// Paths come from the environment when set, else from the values CMake compiled into test_util.cpp.
std::filesystem::path source_dir();    // repository root
std::filesystem::path testdata_dir();  // where tests/<dir>/oracle_*.py wrote their reference data
std::string python();                  // the Python that holds the oracles
std::string grpo_binary();             // the built `grpo` executable

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

// The message of the grpo::Error that fn throws ("" when it throws none; other exceptions propagate).
inline std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace grpo::test

// First statement of every test in a *Cuda* suite.
#define GRPO_REQUIRE_CUDA()                                             \
  do {                                                                  \
    if (!::grpo::test::cuda_present()) GTEST_SKIP() << "no CUDA device"; \
  } while (0)
