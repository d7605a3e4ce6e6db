// Implementation of the shared test helpers.
#include "test_util.h"

#include "src/util/fs.h"

#include <torch/torch.h>

#include <spawn.h>

#include <array>
#include <cstdio>
#include <random>

extern char** environ;

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

pid_t spawn_process(const std::vector<std::string>& args, bool own_process_group) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (own_process_group) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (error != 0) fail("spawn_process: cannot start {}", args[0]);
  return pid;
}

bool cuda_present() { return torch::cuda::is_available(); }

}  // namespace grpo::test
