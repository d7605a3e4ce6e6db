// Prompt dataset: validation errors name file:line and field; seeded order is a permutation per
// epoch; a dataset restored to a saved position continues with the same batches.
#include "src/data/prompt_dataset.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

std::string write(const test::TempDir& dir, const std::string& text) {
  const auto path = (dir.path() / "p.jsonl").string();
  std::ofstream(path) << text;
  return path;
}

TEST(PromptDataset, LoadsPromptsAndMessages) {
  test::TempDir dir;
  const auto path = write(dir, R"({"prompt": "1+1?", "answer": "2"}
{"messages": [{"role": "user", "content": "hi"}], "answer": "x"}
)");
  const auto ds = PromptDataset::load(path, "prompt");
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds.row(0).row["answer"], "2");
  EXPECT_EQ(ds.row(1).line, 2);
}

TEST(PromptDataset, ErrorsNameLineAndField) {
  test::TempDir dir;
  auto expect_error = [&](const std::string& text, const std::string& needle) {
    const auto path = write(dir, text);
    try {
      PromptDataset::load(path, "question");
      FAIL() << "no error for " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("{\"question\": \"a\"}\n{\"q\": \"b\"}\n", "p.jsonl:2: missing field 'question'");
  expect_error("{\"question\": 5}\n", "p.jsonl:1: field 'question': expected a string, got number");
  expect_error("{\"messages\": [{\"role\": \"user\"}]}\n", "p.jsonl:1: field 'messages'");
  expect_error("\n\n", "no rows");
}

TEST(PromptDataset, SeededEpochsAndResume) {
  test::TempDir dir;
  std::string text;
  for (int i = 0; i < 10; ++i) text += "{\"prompt\": \"p" + std::to_string(i) + "\"}\n";
  const auto path = write(dir, text);
  auto ds = PromptDataset::load(path, "prompt");
  const auto order0 = ds.epoch_order(0, 42);
  EXPECT_EQ(std::set<size_t>(order0.begin(), order0.end()).size(), 10u);  // a permutation
  EXPECT_NE(order0, ds.epoch_order(1, 42));                                // reshuffled per epoch
  EXPECT_EQ(order0, ds.epoch_order(0, 42));                                // and reproducible

  std::vector<std::vector<size_t>> batches;
  for (int i = 0; i < 7; ++i) batches.push_back(ds.next_batch(4, 42));  // 28 rows: into epoch 2
  EXPECT_EQ(ds.position().epoch, 2);
  std::vector<size_t> first_epoch(batches[0]);
  first_epoch.insert(first_epoch.end(), batches[1].begin(), batches[1].end());
  first_epoch.push_back(batches[2][0]);
  first_epoch.push_back(batches[2][1]);
  EXPECT_EQ(first_epoch, order0);

  auto resumed = PromptDataset::load(path, "prompt");
  auto replay = PromptDataset::load(path, "prompt");
  for (int i = 0; i < 3; ++i) replay.next_batch(4, 42);
  resumed.set_position(replay.position());
  for (int i = 3; i < 7; ++i) EXPECT_EQ(resumed.next_batch(4, 42), batches[static_cast<size_t>(i)]);
}

}  // namespace
}  // namespace grpo
