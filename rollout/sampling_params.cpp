// Validation of SamplingParams: ranges of each field, one message per bad field.
#include "rollout/sampling_params.h"

#include <cmath>

#include "src/util/error.h"

namespace grpo {

std::vector<std::string> SamplingParams::problems() const {
  std::vector<std::string> out;
  if (!(temperature >= 0.0f) || !std::isfinite(temperature))
    out.push_back(fmt::format("temperature: {} is not >= 0. HINT: use 1.0 for plain sampling, 0 for greedy", temperature));
  if (!(top_p > 0.0f && top_p <= 1.0f))
    out.push_back(fmt::format("top_p: {} is outside (0, 1]. HINT: 1.0 turns nucleus sampling off", top_p));
  if (top_k < 0) out.push_back(fmt::format("top_k: {} is negative. HINT: 0 turns top-k off", top_k));
  if (!(min_p >= 0.0f && min_p <= 1.0f))
    out.push_back(fmt::format("min_p: {} is outside [0, 1]. HINT: 0 turns min-p off", min_p));
  if (max_new_tokens < 1)
    out.push_back(fmt::format("max_new_tokens: {} must be >= 1. HINT: typical values are 256 to 4096", max_new_tokens));
  for (const auto& s : stop_strings)
    if (s.empty()) out.push_back("stop_strings: an empty stop string would stop at once. HINT: remove it");
  return out;
}

void SamplingParams::validate(const std::string& where) const {
  const auto p = problems();
  if (p.empty()) return;
  std::string msg = fmt::format("{}: invalid sampling parameters:", where);
  for (const auto& line : p) msg += "\n  " + line;
  throw Error(msg);
}

}  // namespace grpo
