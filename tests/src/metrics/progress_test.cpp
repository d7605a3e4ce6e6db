// Duration formatting used by the progress bar's ETA.
#include "src/metrics/progress.h"

#include <gtest/gtest.h>

namespace grpo {
namespace {

TEST(Progress, FormatDuration) {
  EXPECT_EQ(format_duration(12.4), "12s");
  EXPECT_EQ(format_duration(185), "3m05s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(-1), "?");
}

}  // namespace
}  // namespace grpo
