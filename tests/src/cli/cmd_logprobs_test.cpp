// `grpo logprobs` end to end: the binary's per-token log-probs for the oracle's prompts equal HF
// transformers' (tests/src/model/oracle_models.py) within 1e-4, across several packed batches; bad
// input is a located error.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "test_util.h"

namespace grpo {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

TEST(CmdLogprobs, MatchesTransformersAcrossBatches) {
  const fs::path model = test::testdata_dir() / "model" / "qwen3";
  std::ifstream ref_in(model / "reference.json");
  const Json ref = Json::parse(ref_in);
  test::TempDir dir;
  {
    std::ofstream in(dir.path() / "in.jsonl");
    for (const auto& p : ref["prompts"]) in << Json{{"ids", p}}.dump() << "\n";
    in << R"({"ids": [5]})" << "\n";  // a single token has no next-token log-prob
  }
  const std::string cmd = test::grpo_binary() + " logprobs --model " + model.string() + " --input " +
                          (dir.path() / "in.jsonl").string() + " --output " + (dir.path() / "out.jsonl").string() +
                          " --device cpu --batch-tokens 12";
  ASSERT_EQ(test::run_command(cmd), 0) << cmd;
  std::ifstream out(dir.path() / "out.jsonl");
  std::string line;
  size_t i = 0;
  for (; std::getline(out, line); ++i) {
    const auto got = Json::parse(line)["logprobs"].get<std::vector<double>>();
    if (i == ref["prompts"].size()) {
      EXPECT_TRUE(got.empty());
      continue;
    }
    const auto want = ref["logprobs"][i].get<std::vector<double>>();
    ASSERT_EQ(got.size(), want.size()) << "line " << i;
    for (size_t t = 0; t < want.size(); ++t) EXPECT_NEAR(got[t], want[t], 1e-4) << "line " << i << " token " << t;
  }
  EXPECT_EQ(i, ref["prompts"].size() + 1);
}

TEST(CmdLogprobs, OutOfVocabularyIdIsALocatedError) {
  test::TempDir dir;
  std::ofstream(dir.path() / "in.jsonl") << R"({"ids": [1, 2]})" << "\n" << R"({"ids": [1, 999999]})" << "\n";
  std::string out;
  const std::string cmd = test::grpo_binary() + " logprobs --model " + (test::testdata_dir() / "model" / "qwen2").string() +
                          " --input " + (dir.path() / "in.jsonl").string() + " --device cpu 2>&1";
  EXPECT_EQ(test::run_command(cmd, &out), 1);
  EXPECT_NE(out.find("in.jsonl:2"), std::string::npos) << out;
  EXPECT_NE(out.find("999999"), std::string::npos) << out;
}

}  // namespace
}  // namespace grpo
