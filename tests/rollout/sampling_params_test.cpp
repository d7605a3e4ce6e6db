// SamplingParams validation: every bad field is named, with a hint.
#include "rollout/sampling_params.h"

#include <gtest/gtest.h>

#include "src/util/error.h"

namespace grpo {
namespace {

TEST(SamplingParams, DefaultsAreValid) { EXPECT_TRUE(SamplingParams{}.problems().empty()); }

TEST(SamplingParams, EveryBadFieldIsReported) {
  SamplingParams p;
  p.temperature = -1;
  p.top_p = 0;
  p.top_k = -2;
  p.min_p = 1.5f;
  p.max_new_tokens = 0;
  p.stop_strings = {""};
  EXPECT_EQ(p.problems().size(), 6u);
  try {
    p.validate("--flags");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string m = e.what();
    for (const char* field : {"--flags", "temperature", "top_p", "top_k", "min_p", "max_new_tokens", "HINT"})
      EXPECT_NE(m.find(field), std::string::npos) << field << " missing in: " << m;
  }
}

TEST(SamplingParams, ZeroTemperatureIsGreedy) {
  SamplingParams p;
  p.temperature = 0;
  EXPECT_TRUE(p.is_greedy());
}

}  // namespace
}  // namespace grpo
