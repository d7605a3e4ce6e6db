// Hash noise: the tensor form reproduces the scalar specification bit for bit, and E = -log U has the
// moments of Exp(1) (mean 1, variance 1).
#include "rollout/gumbel_noise.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>
#include <vector>

#include "rollout/noise_hash.h"
#include "test_util.h"

namespace grpo {
namespace {

TEST(GumbelNoise, TensorMatchesScalarSpecification) {
  const std::vector<NoiseKey> keys = {sequence_noise_key(0, 0, 0), sequence_noise_key(123, 4, 7),
                                      sequence_noise_key(~0ull, 99999, 3)};
  const std::vector<int64_t> steps = {0, 17, 4000000000LL};
  auto k = torch::empty({3, 2}, torch::kLong);
  for (int i = 0; i < 3; ++i) k[i][0] = keys[i].lo, k[i][1] = keys[i].hi;
  const int64_t V = 300;
  const auto bits = noise_bits_tensor(k, torch::tensor(steps, torch::kLong), V);
  for (int i = 0; i < 3; ++i)
    for (int64_t v = 0; v < V; ++v)
      ASSERT_EQ(bits[i][v].item<int64_t>(), static_cast<int64_t>(noise_bits(keys[i], steps[i], v))) << i << "," << v;
}

TEST(GumbelNoise, ExtremeBitsGiveFiniteNoise) {
  // U = (k + 0.5) / 2^23 with k = bits >> 9:
  //   bits = 0xFFFFFFFF: U = 1 - 2^-24, -log U ≈ 2^-24, log E ≈ -24 ln 2 = -16.635532
  //     (with 24 bits, k + 0.5 = 2^24 - 0.5 rounded to 2^24 in fp32: U = 1 and log E = -inf);
  //   bits = 0: U = 2^-24, E = 24 ln 2 = 16.635532, log E = 2.811541;
  //   bits = 2^31: U = 0.5 + 2^-24, E ≈ ln 2 - 2^-23, log E ≈ -0.366513.
  const std::vector<uint32_t> bits = {0xFFFFFFFFu, 0u, 0x80000000u};
  const std::vector<double> expected = {-16.635532, 2.811541, -0.366513};
  const auto t = log_exponential_of_bits(torch::tensor(std::vector<int64_t>{0xFFFFFFFF, 0, 0x80000000}, torch::kLong));
  for (size_t i = 0; i < bits.size(); ++i) {
    EXPECT_NEAR(log_exponential_of_bits(bits[i]), expected[i], 2e-5) << "bits " << bits[i];
    EXPECT_FLOAT_EQ(t[static_cast<int64_t>(i)].item<float>(), log_exponential_of_bits(bits[i])) << "bits " << bits[i];
  }
}

TEST(GumbelNoise, OneMinusUniformIsExactAndBoundsE) {
  // The CUDA sampler cuts tokens with 1 - U > 1.01 exp(z - W) because E = -log U >= 1 - U; both hold
  // in fp32 at the ends of U's range and in between (1 - U exact: U + (1 - U) == 1 in double).
  for (uint32_t bits : {0u, 511u, 512u, 0x12345678u, 0x80000000u, 0xFFFFFDFFu, 0xFFFFFFFFu}) {
    const double u = ((bits >> 9) + 0.5) / 8388608.0;
    const float one_minus_u = noise_hash::one_minus_uniform(bits);
    EXPECT_EQ(static_cast<double>(one_minus_u) + u, 1.0) << bits;
    // E >= 1 - U up to the fp32 rounding of log E (relative 1e-6 here; the kernel's margin is 1%).
    const double e = std::exp(static_cast<double>(log_exponential_of_bits(bits)));
    EXPECT_GE(e, one_minus_u * (1.0 - 1e-6)) << bits;
  }
}

TEST(GumbelNoise, KeysDifferAcrossSeedPromptAndSample) {
  std::set<std::pair<int64_t, int64_t>> seen;
  for (uint64_t seed : {0ull, 1ull})
    for (int64_t p = 0; p < 20; ++p)
      for (int64_t s = 0; s < 20; ++s) {
        const auto k = sequence_noise_key(seed, p, s);
        seen.insert({k.lo, k.hi});
      }
  EXPECT_EQ(seen.size(), 800u);
}

TEST(GumbelNoise, ExponentialMoments) {
  // 64 rows x 4096 tokens = 262144 draws of E; mean and variance of Exp(1) are both 1, and the standard
  // error of the mean is 1/sqrt(262144) ≈ 0.002, so 0.01 is a 5-sigma band.
  auto keys = torch::empty({64, 2}, torch::kLong);
  for (int i = 0; i < 64; ++i) {
    const auto k = sequence_noise_key(5, i, 0);
    keys[i][0] = k.lo, keys[i][1] = k.hi;
  }
  const auto e = torch::exp(log_exponential_noise(keys, torch::arange(64, torch::kLong), 4096)).to(torch::kDouble);
  EXPECT_NEAR(e.mean().item<double>(), 1.0, 0.01);
  EXPECT_NEAR(e.var().item<double>(), 1.0, 0.03);
  EXPECT_GT(e.min().item<double>(), 0.0);
}

}  // namespace
}  // namespace grpo

namespace grpo {
namespace {

TEST(GumbelNoiseCuda, BitsMatchCpu) {
  GRPO_REQUIRE_CUDA();
  auto keys = torch::empty({8, 2}, torch::kLong);
  for (int i = 0; i < 8; ++i) {
    const auto k = sequence_noise_key(77, i, i);
    keys[i][0] = k.lo, keys[i][1] = k.hi;
  }
  const auto steps = torch::arange(8, torch::kLong) * 1000;
  const auto cpu = noise_bits_tensor(keys, steps, 151936);
  const auto gpu = noise_bits_tensor(keys.cuda(), steps.cuda(), 151936);
  EXPECT_TRUE(torch::equal(cpu, gpu.cpu()));
}

}  // namespace
}  // namespace grpo
