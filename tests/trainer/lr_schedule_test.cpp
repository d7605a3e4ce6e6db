// Learning-rate schedule values computed by hand.
#include "trainer/lr_schedule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "src/util/error.h"

namespace grpo {
namespace {

TEST(LrSchedule, WarmupThenConstant) {
  LrScheduleOptions o;
  o.lr = 1e-3;
  o.warmup_steps = 4;
  EXPECT_DOUBLE_EQ(learning_rate(0, o), 0.25e-3);  // (0+1)/4
  EXPECT_DOUBLE_EQ(learning_rate(3, o), 1e-3);
  EXPECT_DOUBLE_EQ(learning_rate(100, o), 1e-3);
}

TEST(LrSchedule, CosineWithFloor) {
  LrScheduleOptions o;
  o.lr = 1.0;
  o.warmup_steps = 2;
  o.total_steps = 12;
  o.decay = LrDecay::kCosine;
  o.min_lr_ratio = 0.1;
  EXPECT_DOUBLE_EQ(learning_rate(2, o), 1.0);  // p = 0
  // p = 5/10: 0.1 + 0.9 · ½(1 + cos(π/2)) = 0.55
  EXPECT_NEAR(learning_rate(7, o), 0.55, 1e-12);
  EXPECT_NEAR(learning_rate(12, o), 0.1, 1e-12);  // p = 1
  EXPECT_NEAR(learning_rate(50, o), 0.1, 1e-12);  // clamped
  EXPECT_THROW(parse_lr_decay("linear"), Error);
}

}  // namespace
}  // namespace grpo
