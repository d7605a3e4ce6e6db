// Wall-clock seconds since a steady_clock instant: the one helper behind every timing that goes into
// logs and metrics (rollout stats, GRPO/SFT step timings, pipeline stages).
#pragma once
#include <chrono>

namespace grpo {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace grpo
