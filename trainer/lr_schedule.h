// Learning-rate schedules: linear warmup, then constant or cosine decay to min_lr_ratio·lr.
#pragma once
#include <cstdint>
#include <string>

namespace grpo {

enum class LrDecay { kConstant, kCosine };
LrDecay parse_lr_decay(const std::string& name);  // "constant" | "cosine"

struct LrScheduleOptions {
  double lr = 1e-6;
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;  // for cosine
  LrDecay decay = LrDecay::kConstant;
  double min_lr_ratio = 0.0;  // cosine floor, as a fraction of lr
};

// lr used by update number `step` (0-based). Warmup: lr·(step+1)/warmup_steps — so the first
// update already moves (HF's schedulers give lr 0 to the first update; we depart from that on
// purpose). Cosine after warmup, with p = (step − warmup)/(total − warmup) clamped to [0, 1]:
//   lr · (min_lr_ratio + (1 − min_lr_ratio) · ½(1 + cos(π p)))   (Loshchilov & Hutter, arXiv:1608.03983 Eq. 5)
double learning_rate(int64_t step, const LrScheduleOptions& opts);

}  // namespace grpo
