// Atomic, rotated checkpoint folders (see checkpoint_dir.h).
#include "src/checkpoint/checkpoint_dir.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "src/util/error.h"
#include "src/util/fs.h"

namespace fs = std::filesystem;

namespace grpo {
namespace {
constexpr const char* kPrefix = "checkpoint-";
constexpr const char* kStagingPrefix = ".tmp-checkpoint-";
}  // namespace

CheckpointDir::CheckpointDir(std::string run_dir, int keep_last) : run_dir_(std::move(run_dir)), keep_last_(keep_last) {
  std::error_code ec;
  fs::create_directories(run_dir_, ec);
  if (ec) fail("{}: cannot create run directory: {}", run_dir_, ec.message());
  // Staging folders of a killed run, and the hidden temp folders a writer made beside them
  // (save_checkpoint writes "." + name + ".tmp-XXXXXX" next to its target).
  const std::string hidden_temp = std::string(".") + kStagingPrefix;
  for (const auto& entry : fs::directory_iterator(run_dir_)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kStagingPrefix, 0) == 0 || name.rfind(hidden_temp, 0) == 0) remove_tree(entry.path().string());
  }
}

std::string CheckpointDir::path_for(int64_t step) const { return run_dir_ + "/" + kPrefix + std::to_string(step); }

std::string CheckpointDir::begin(int64_t step) const {
  const std::string staging = run_dir_ + "/" + kStagingPrefix + std::to_string(step);
  remove_tree(staging);
  fs::create_directories(staging);
  return staging;
}

std::string CheckpointDir::commit(int64_t step) const {
  const std::string staging = run_dir_ + "/" + kStagingPrefix + std::to_string(step);
  const std::string final_path = path_for(step);
  if (!fs::is_directory(staging)) fail("{}: no staging folder to commit (call begin first)", staging);
  remove_tree(final_path);  // a re-run of the same step replaces it
  if (std::rename(staging.c_str(), final_path.c_str()) != 0)
    fail("{}: cannot move checkpoint into place from {}", final_path, staging);
  sync_directory(run_dir_);
  write_file_atomic(run_dir_ + "/latest", std::string(kPrefix) + std::to_string(step) + "\n");
  if (keep_last_ > 0) {
    auto all = steps();
    for (size_t i = 0; i + static_cast<size_t>(keep_last_) < all.size(); ++i)
      if (all[i] != step) remove_tree(path_for(all[i]));
  }
  return final_path;
}

std::optional<std::string> CheckpointDir::latest() const {
  const std::string pointer = run_dir_ + "/latest";
  if (!fs::exists(pointer)) return std::nullopt;
  std::string name = read_file(pointer);
  while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
  const std::string path = run_dir_ + "/" + name;
  if (!fs::is_directory(path)) fail("{}: names '{}', which does not exist. HINT: remove the file to start over", pointer, name);
  return path;
}

std::vector<int64_t> CheckpointDir::steps() const {
  std::vector<int64_t> out;
  for (const auto& entry : fs::directory_iterator(run_dir_)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind(kPrefix, 0) != 0) continue;
    try {
      size_t used = 0;
      const int64_t step = std::stoll(name.substr(std::char_traits<char>::length(kPrefix)), &used);
      if (used + std::char_traits<char>::length(kPrefix) == name.size()) out.push_back(step);
    } catch (const std::exception&) {
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace grpo
