// RMSNorm: the composite against a hand computation, and the fused CUDA kernel against the
// composite (bit-exact in fp32 up to rsqrt rounding; within one bf16 ulp in bf16).
#include "src/tensor/rms_norm.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "test_util.h"

namespace grpo {
namespace {

TEST(RmsNorm, HandComputed) {
  // x = [3, 4]: mean(x²) = 12.5, 1/sqrt(12.5 + 0) = 0.28284; w = [1, 2] -> [0.84853, 2.26274].
  auto x = torch::tensor({{3.0f, 4.0f}});
  auto w = torch::tensor({1.0f, 2.0f});
  auto y = rms_norm(x, w, 0.0);
  EXPECT_NEAR(y[0][0].item<float>(), 3.0 / std::sqrt(12.5), 1e-6);
  EXPECT_NEAR(y[0][1].item<float>(), 2.0 * 4.0 / std::sqrt(12.5), 1e-6);
}

TEST(RmsNorm, GradientFlowsThroughComposite) {
  auto x = torch::randn({3, 8}, torch::requires_grad());
  auto w = torch::ones({8}, torch::requires_grad());
  rms_norm(x, w, 1e-6).sum().backward();
  EXPECT_TRUE(x.grad().defined());
  EXPECT_TRUE(w.grad().defined());
}

TEST(RmsNormCuda, FusedMatchesReference) {
  GRPO_REQUIRE_CUDA();
  torch::NoGradGuard no_grad;
  for (auto dtype : {torch::kFloat, torch::kBFloat16, torch::kHalf}) {
    for (int64_t cols : {64, 896, 1536, 3584}) {
      auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(dtype);
      auto x = torch::randn({37, cols}, opts) * 3;
      auto w = torch::rand({cols}, opts) + 0.5;
      auto fused = rms_norm(x, w, 1e-6).to(torch::kFloat);
      auto ref = rms_norm_reference(x, w, 1e-6).to(torch::kFloat);
      const double tol = dtype == torch::kFloat ? 1e-5 : dtype == torch::kBFloat16 ? 1.6e-2 : 2e-3;
      EXPECT_LE(((fused - ref).abs() / (ref.abs() + 1e-3)).max().item<double>(), tol)
          << "dtype " << dtype << " cols " << cols;
    }
  }
}

}  // namespace
}  // namespace grpo
