// k3 KL estimator: hand-computed values and its non-negativity.
#include "trainer/kl.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace grpo {
namespace {

TEST(Kl, HandComputed) {
  // ref − logp = 0 -> e⁰ − 0 − 1 = 0;  = 1 -> e − 2 ≈ 0.71828;  = −1 -> e⁻¹ + 1 − 1 ≈ 0.36788.
  const auto kl = kl_k3(torch::tensor({{0.0, 0.0, 0.0}}, torch::kDouble), torch::tensor({{0.0, 1.0, -1.0}}, torch::kDouble));
  EXPECT_NEAR(kl[0][0].item<double>(), 0.0, 1e-15);
  EXPECT_NEAR(kl[0][1].item<double>(), std::exp(1.0) - 2.0, 1e-12);
  EXPECT_NEAR(kl[0][2].item<double>(), std::exp(-1.0), 1e-12);
  const auto random = kl_k3(torch::randn({100, 7}), torch::randn({100, 7}));
  EXPECT_GE(random.min().item<double>(), 0.0);
  EXPECT_THROW(kl_k3(torch::zeros({2, 3}), torch::zeros({3, 2})), c10::Error);
}

}  // namespace
}  // namespace grpo
