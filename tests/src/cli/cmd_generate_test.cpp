// `grpo generate` end to end on the oracle's tiny Qwen3: greedy completions equal HF transformers'
// greedy continuations (tests/src/model/oracle_models.py); sampled output is one line per
// (prompt, sample) with the documented fields, and the same seed gives the same bytes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "src/util/fs.h"
#include "test_util.h"

namespace grpo {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::string generate(const test::TempDir& dir, const std::string& flags, const std::string& out_name) {
  const fs::path model = test::testdata_dir() / "model" / "qwen3";
  const std::string cmd = test::grpo_binary() + " generate --model " + model.string() + " --tokenizer " +
                          (test::source_dir() / "tests/data/tokenizers/qwen3").string() + " --prompts " +
                          (dir.path() / "in.jsonl").string() + " --output " + (dir.path() / out_name).string() +
                          " --device cpu " + flags + " 2>/dev/null";
  EXPECT_EQ(test::run_command(cmd), 0) << cmd;
  return read_file((dir.path() / out_name).string());
}

TEST(CmdGenerate, GreedyMatchesTransformers) {
  std::ifstream ref_in(test::testdata_dir() / "model" / "qwen3" / "reference.json");
  const Json ref = Json::parse(ref_in);
  test::TempDir dir;
  {
    std::ofstream in(dir.path() / "in.jsonl");
    for (const auto& p : ref["prompts"]) in << Json{{"ids", p}}.dump() << "\n";
  }
  const size_t steps = ref["greedy"][0].size();
  std::istringstream lines(generate(dir, "--greedy --ignore-eos --n 2 --max-new-tokens " + std::to_string(steps), "g.jsonl"));
  std::string line;
  size_t count = 0;
  for (; std::getline(lines, line); ++count) {
    const Json row = Json::parse(line);
    const size_t p = row["prompt_index"].get<size_t>();
    EXPECT_EQ(row["ids"], ref["greedy"][p]) << "prompt " << p << " sample " << row["sample_index"];
    EXPECT_EQ(row["finish_reason"], "length");
    EXPECT_EQ(row["logprobs"].size(), steps);
  }
  EXPECT_EQ(count, 2 * ref["prompts"].size());
}

TEST(CmdGenerate, SeededSamplingIsReproducible) {
  test::TempDir dir;
  std::ofstream(dir.path() / "in.jsonl") << "{\"ids\": [1, 2, 3]}\n{\"ids\": [7]}\n";
  const std::string flags = "--n 3 --max-new-tokens 6 --temperature 1.0 --top-p 0.9 --seed 11";
  const std::string a = generate(dir, flags, "a.jsonl"), b = generate(dir, flags, "b.jsonl");
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 6);
  EXPECT_NE(a, generate(dir, "--n 3 --max-new-tokens 6 --temperature 1.0 --top-p 0.9 --seed 12", "c.jsonl"));
}

TEST(CmdGenerate, BadPromptLineIsLocated) {
  test::TempDir dir;
  std::ofstream(dir.path() / "in.jsonl") << "{\"ids\": [1]}\n{\"text\": \"no prompt field\"}\n";
  std::string out;
  const std::string cmd = test::grpo_binary() + " generate --model " +
                          (test::testdata_dir() / "model" / "qwen3").string() + " --tokenizer " +
                          (test::source_dir() / "tests/data/tokenizers/qwen3").string() + " --prompts " +
                          (dir.path() / "in.jsonl").string() + " --device cpu 2>&1";
  EXPECT_NE(test::run_command(cmd, &out), 0);
  EXPECT_NE(out.find("in.jsonl:2: missing field 'prompt'"), std::string::npos) << out;
}

}  // namespace
}  // namespace grpo
