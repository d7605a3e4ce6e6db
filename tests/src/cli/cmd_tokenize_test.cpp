// `grpo tokenize` end to end: runs the built binary on JSONL and compares with the HF oracle ids
// (oracle_tokenizer.py) for the first corpus rows, then decodes them back.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "src/util/jsonl.h"
#include "test_util.h"

namespace grpo {
namespace {

TEST(CmdTokenize, EncodeAndDecodeMatchTheOracle) {
  test::TempDir dir;
  const auto oracle = read_jsonl((test::testdata_dir() / "tokenizer/qwen3_ids.jsonl").string());
  ASSERT_GE(oracle.size(), 20u);
  {
    std::ofstream in(dir.path() / "in.jsonl");
    for (size_t i = 0; i < 20; ++i) in << Json{{"text", oracle[i].value["text"]}}.dump() << "\n";
  }
  const std::string tok = (test::source_dir() / "tests/data/tokenizers/qwen3").string();
  std::string out;
  ASSERT_EQ(test::run_command(test::grpo_binary() + " tokenize --tokenizer " + tok + " --input " +
                                  (dir.path() / "in.jsonl").string() + " > " + (dir.path() / "ids.jsonl").string(),
                              &out),
            0);
  const auto got = read_jsonl((dir.path() / "ids.jsonl").string());
  ASSERT_EQ(got.size(), 20u);
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(got[i].value["ids"], oracle[i].value["ids"]) << i;

  ASSERT_EQ(test::run_command(test::grpo_binary() + " tokenize --decode --tokenizer " + tok + " < " +
                                  (dir.path() / "ids.jsonl").string(),
                              &out),
            0);
  std::istringstream lines(out);
  std::string line;
  for (size_t i = 0; i < 20 && std::getline(lines, line); ++i)
    EXPECT_EQ(Json::parse(line)["text"], oracle[i].value["decoded"]) << i;
}

TEST(CmdTokenize, BadRowsFailWithTheirLocation) {
  test::TempDir dir;
  std::ofstream(dir.path() / "bad.jsonl") << "{\"ids\": [1, 2]}\n{\"ids\": [-5]}\n";
  const std::string tok = (test::source_dir() / "tests/data/tokenizers/qwen3").string();
  std::string out;
  const std::string cmd = test::grpo_binary() + " tokenize --decode --tokenizer " + tok + " --input " +
                          (dir.path() / "bad.jsonl").string() + " 2>&1";
  EXPECT_NE(test::run_command(cmd, &out), 0);
  EXPECT_NE(out.find("bad.jsonl:2: field 'ids'"), std::string::npos) << out;
  EXPECT_NE(test::run_command(test::grpo_binary() + " tokenize --tokenizer /no/such/dir 2>&1 < /dev/null", &out), 0);
  EXPECT_NE(out.find("/no/such/dir"), std::string::npos) << out;
}

}  // namespace
}  // namespace grpo
