// Weighted data mixing: row counts per source follow the weights, every row appears once before any
// repeats, rows are copied unchanged, and the same seed gives the same file.
#include "src/pipeline/data_mix.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "src/util/fs.h"
#include "src/util/jsonl.h"
#include "tests/test_util.h"

namespace grpo {
namespace {

TEST(DataMix, CountsFollowWeightsWithoutEarlyRepeats) {
  test::TempDir dir;
  const auto a = (dir.path() / "a.jsonl").string(), b = (dir.path() / "b.jsonl").string();
  {
    std::ofstream fa(a), fb(b);
    for (int i = 0; i < 4; ++i) fa << "{\"src\": \"a\", \"i\": " << i << "}\n";
    for (int i = 0; i < 10; ++i) fb << "{\"src\": \"b\", \"i\": " << i << "}\n";
  }
  const auto out = (dir.path() / "mix.jsonl").string();
  // size 12, weights 3:1 -> 9 rows from a (4 rows: each twice, one three times), 3 distinct rows from b.
  const auto report = mix_datasets({{a, 3.0}, {b, 1.0}}, 12, 7, out);
  EXPECT_EQ(report.rows_out, (std::vector<int64_t>{9, 3}));
  EXPECT_EQ(report.rows_in, (std::vector<int64_t>{4, 10}));
  std::map<std::string, int> seen;
  int from_a = 0, from_b = 0;
  for_each_jsonl(out, [&](const JsonlRow& r) {
    ++seen[r.value.dump()];
    (r.value["src"] == "a" ? from_a : from_b)++;
  });
  EXPECT_EQ(from_a, 9);
  EXPECT_EQ(from_b, 3);
  for (const auto& [row, n] : seen) {
    if (row.find("\"a\"") != std::string::npos) EXPECT_TRUE(n == 2 || n == 3) << row;
    else EXPECT_EQ(n, 1) << row;
  }
  const auto again = (dir.path() / "mix2.jsonl").string();
  mix_datasets({{a, 3.0}, {b, 1.0}}, 12, 7, again);
  EXPECT_EQ(read_file(out), read_file(again));
}

TEST(DataMix, EmptySourceIsAnError) {
  test::TempDir dir;
  const auto empty = (dir.path() / "empty.jsonl").string();
  std::ofstream(empty).close();
  EXPECT_NE(test::error_of([&] { mix_datasets({{empty, 1.0}}, 0, 0, (dir.path() / "o.jsonl").string()); })
                .find("no rows to mix"),
            std::string::npos);
}

}  // namespace
}  // namespace grpo
