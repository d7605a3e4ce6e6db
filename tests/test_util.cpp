// Implementation of the shared test helpers.
#include "test_util.h"

#include "src/util/fs.h"

#include <torch/torch.h>

#include <array>
#include <cstdio>
#include <random>

namespace grpo::test {
namespace {
std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}
}  // namespace

std::filesystem::path source_dir() { return env_or("GRPO_SOURCE_DIR", GRPO_SOURCE_DIR_DEFAULT); }
std::filesystem::path testdata_dir() { return env_or("GRPO_TESTDATA", GRPO_TESTDATA_DEFAULT); }
std::string python() { return env_or("GRPO_PYTHON", GRPO_PYTHON_DEFAULT); }
std::string grpo_binary() { return env_or("GRPO_BINARY", GRPO_BINARY_DEFAULT); }

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("grpo_test_" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  try {
    remove_tree(path_.string());
  } catch (...) {  // a destructor must not throw; a leftover temp dir is harmless
  }
}

int run_command(const std::string& command, std::string* output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    if (output != nullptr) output->append(buffer.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool cuda_present() { return torch::cuda::is_available(); }

}  // namespace grpo::test
