// Helpers of the end-to-end CLI tests of eval and sample: a tiny random checkpoint with the Qwen
// vocabulary (examples/demo/tiny_config.json, made by `grpo init-model`), running `grpo`, JSONL I/O.
#pragma once
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "src/util/fs.h"
#include "test_util.h"

namespace grpo::test {

// Runs `grpo ARGS`; returns stdout (stderr appended when merge_stderr), failing the test on a nonzero
// exit unless expect_fail.
inline std::string grpo_run(const std::string& args, bool expect_fail = false, bool merge_stderr = false) {
  std::string out;
  const std::string cmd = grpo_binary() + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  const int rc = run_command(cmd, &out);
  if (expect_fail) EXPECT_NE(rc, 0) << cmd << "\n" << out;
  else EXPECT_EQ(rc, 0) << cmd << "\n" << out;
  return out;
}

// A random Qwen2-shaped checkpoint (hidden 64, 2 layers, Qwen vocabulary) with the Qwen3 test tokenizer.
inline std::filesystem::path tiny_qwen_model(const std::filesystem::path& dir) {
  grpo_run("init-model --config " + (source_dir() / "examples/demo/tiny_config.json").string() + " --tokenizer " +
           (source_dir() / "tests/data/tokenizers/qwen3").string() + " --seed 0 --out " + dir.string());
  return dir;
}

inline void write_lines(const std::filesystem::path& path, const std::vector<nlohmann::json>& rows) {
  std::ofstream out(path);
  for (const auto& r : rows) out << r.dump() << "\n";
}

inline std::vector<nlohmann::json> read_lines(const std::filesystem::path& path) {
  std::vector<nlohmann::json> rows;
  std::istringstream in(read_file(path.string()));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

// Trimmed, inner whitespace runs collapsed: exact_match's comparison, written again here.
inline std::string squash(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace grpo::test
