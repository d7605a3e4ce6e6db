// metrics.jsonl round trip, non-finite values written as null, truncation on resume.
#include "src/metrics/metrics_log.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "test_util.h"

namespace grpo {
namespace {

TEST(MetricsLog, WritesReadsAndTruncates) {
  test::TempDir dir;
  const std::string run = (dir.path() / "run").string();
  {
    MetricsLog log(run, MetricsLogOptions{});
    log.log(1, {{"train/reward_mean", 0.5}, {"train/kl", 0.01}});
    log.log(2, {{"train/reward_mean", 0.75}, {"train/loss", std::nan("")}});
    log.log(3, {{"train/reward_mean", 0.8}});
    log.truncate_after(2);
  }
  const auto rows = read_metrics_jsonl(run + "/metrics.jsonl");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].first, 2);
  ASSERT_EQ(rows[1].second.size(), 1u);  // the NaN loss is null, not a number
  EXPECT_EQ(rows[1].second[0].first, "train/reward_mean");
  EXPECT_DOUBLE_EQ(rows[1].second[0].second, 0.75);
  int event_files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(run + "/tensorboard")) event_files++;
  EXPECT_EQ(event_files, 1);
}

}  // namespace
}  // namespace grpo
