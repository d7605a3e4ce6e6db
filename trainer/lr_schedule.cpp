// Warmup + constant/cosine learning-rate schedule (see lr_schedule.h).
#include "trainer/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "src/util/error.h"

namespace grpo {

LrDecay parse_lr_decay(const std::string& name) {
  if (name == "constant") return LrDecay::kConstant;
  if (name == "cosine") return LrDecay::kCosine;
  fail("unknown lr schedule '{}'. HINT: use constant or cosine", name);
}

double learning_rate(int64_t step, const LrScheduleOptions& opts) {
  if (step < opts.warmup_steps) return opts.lr * static_cast<double>(step + 1) / static_cast<double>(opts.warmup_steps);
  if (opts.decay == LrDecay::kConstant) return opts.lr;
  const double span = static_cast<double>(std::max<int64_t>(1, opts.total_steps - opts.warmup_steps));
  const double p = std::clamp(static_cast<double>(step - opts.warmup_steps) / span, 0.0, 1.0);
  return opts.lr * (opts.min_lr_ratio + (1.0 - opts.min_lr_ratio) * 0.5 * (1.0 + std::cos(std::numbers::pi * p)));
}

}  // namespace grpo
