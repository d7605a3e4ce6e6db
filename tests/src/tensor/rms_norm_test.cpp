// RMSNorm: the composite against a hand computation, the CPU dispatch (always the composite), and the
// fused CUDA kernels against the composite: forward (bit-exact in fp32 up to rsqrt rounding; within one
// bf16 ulp in bf16) and, with a gradient, grad_x and grad_w against the composite's autograd.
#include "src/tensor/rms_norm.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "test_util.h"

namespace grpo {
namespace {

// max |a − b| / (rtol·|b| + atol·max|b|), in fp32; ≤ 1 means every element is within tolerance.
double excess(const at::Tensor& a, const at::Tensor& b, double rtol, double atol) {
  const auto a32 = a.to(torch::kFloat), b32 = b.to(torch::kFloat);
  const auto scale = b32.abs().max();
  return ((a32 - b32).abs() / (b32.abs() * rtol + scale * atol)).max().item<double>();
}

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

TEST(RmsNorm, CpuTakesTheComposite) {
  auto x = torch::randn({5, 64}, torch::requires_grad());
  auto w = torch::rand({64}, torch::requires_grad());
  auto y = rms_norm(x, w, 1e-6);
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "MulBackward0");  // w * normed, not the fused autograd function
  EXPECT_TRUE(torch::equal(y, rms_norm_reference(x, w, 1e-6)));
}

TEST(RmsNorm, AddRmsNormOnCpuIsTheComposite) {
  auto x = torch::randn({3, 16}), r = torch::randn({3, 16}), w = torch::rand({16});
  auto [h, y] = add_rms_norm(x, r, w, 1e-6);
  EXPECT_TRUE(torch::equal(h, x + r));
  EXPECT_TRUE(torch::equal(y, rms_norm_reference(x + r, w, 1e-6)));
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

// y, grad_x, grad_w of the fused path against the composite's autograd on the same leaves.
// Tolerances: fp32 — the same math summed in another order (block reduction vs ATen's mean, the
// grad_w column sum over per-block partials): a few fp32 ulps of the row/column sums.
// bf16/fp16 — both round T(x̂), T(g⊙w), y and the grads at the same points; an fp32 difference of a few
// ulps can flip a rounding (one ulp is at most 2^-7 relative in bf16, 2^-10 in fp16), and grad_w's
// composite also rounds each product g·T(x̂) before summing, which our fp32 sum does not: rtol two ulps
// (1.6e-2 bf16, 2e-3 fp16, as the forward test FusedMatchesReference); atol, relative to the
// largest element, covers grad_x entries that cancel (gw − x̂·mean(x̂⊙gw) ≈ 0).
void check_backward(torch::ScalarType dtype, at::IntArrayRef shape, bool strided) {
  const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(dtype);
  const int64_t cols = shape.back();
  const double rtol = dtype == torch::kFloat ? 2e-5 : dtype == torch::kBFloat16 ? 1.6e-2 : 2e-3;
  const double atol = dtype == torch::kFloat ? 2e-6 : dtype == torch::kBFloat16 ? 8e-3 : 1e-3;
  // strided: x is every other column block of a wider tensor, as Qwen3's q_norm sees q in training.
  std::vector<int64_t> wide(shape.begin(), shape.end());
  wide.back() *= strided ? 2 : 1;
  auto x0 = torch::randn(wide, opts) * 3, w0 = torch::rand({cols}, opts) + 0.5;
  auto gy = torch::randn(shape, opts);
  auto run = [&](bool fused) {
    auto xw = x0.clone().requires_grad_(true), w = w0.clone().requires_grad_(true);
    auto x = strided ? xw.narrow(-1, 0, cols) : xw;
    auto y = fused ? rms_norm(x, w, 1e-6) : rms_norm_reference(x, w, 1e-6);
    if (fused) {
      EXPECT_NE(y.grad_fn()->name(), "MulBackward0") << "the fused path did not run";
    }
    (y.to(torch::kFloat) * gy.to(torch::kFloat)).sum().backward();
    return std::make_tuple(y.detach(), xw.grad().narrow(-1, 0, cols), w.grad());
  };
  auto [y, gx, gw] = run(true);
  auto [y_ref, gx_ref, gw_ref] = run(false);
  std::string where = std::string(c10::toString(dtype)) + " shape " + c10::str(shape) + (strided ? " strided" : "");
  EXPECT_LE(excess(y, y_ref, rtol, atol), 1.0) << "y " << where;
  EXPECT_LE(excess(gx, gx_ref, rtol, atol), 1.0) << "grad_x " << where;
  EXPECT_LE(excess(gw, gw_ref, rtol, atol), 1.0) << "grad_w " << where;
  EXPECT_EQ(gw.scalar_type(), dtype);

  torch::NoGradGuard no_grad;  // rollout: the forward kernel alone, on the same (possibly strided) x
  auto x = strided ? x0.narrow(-1, 0, cols) : x0;
  EXPECT_LE(excess(rms_norm(x, w0, 1e-6), rms_norm_reference(x, w0, 1e-6), rtol, atol), 1.0) << "no-grad " << where;
}

TEST(RmsNormCuda, FusedBackwardMatchesReference) {
  GRPO_REQUIRE_CUDA();
  for (auto dtype : {torch::kFloat, torch::kBFloat16, torch::kHalf}) {
    for (int64_t cols : {64, 896, 1536, 3584, 4864, 8192}) check_backward(dtype, {37, cols}, false);
    check_backward(dtype, {33, 14, 128}, true);   // Qwen3 q_norm: [T, H, D], a view of the fused q/k/v
    check_backward(dtype, {1001, 2, 64}, false);  // many short rows: blocks walk several rows each
    check_backward(dtype, {3, 100}, false);       // a width that is no multiple of 32
  }
}

TEST(RmsNormCuda, FusedAddRmsNormMatchesReference) {
  GRPO_REQUIRE_CUDA();
  torch::NoGradGuard no_grad;
  for (auto dtype : {torch::kFloat, torch::kBFloat16, torch::kHalf}) {
    // 99 and 100: rows that are not whole 16-byte vectors take the scalar kernel (100 is whole in fp32);
    // 8200: more than 1024 vectors in bf16, several per thread.
    for (int64_t cols : {64, 99, 100, 896, 1536, 3584, 8200}) {
      auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(dtype);
      auto x = torch::randn({37, cols}, opts) * 3, r = torch::randn({37, cols}, opts);
      auto w = torch::rand({cols}, opts) + 0.5;
      auto [h, y] = add_rms_norm(x, r, w, 1e-6);
      // x + r: both add in fp32 and round once to the dtype, so h is bit-exact.
      EXPECT_TRUE(torch::equal(h, x + r)) << "dtype " << dtype << " cols " << cols;
      // y: the same tolerances as the plain forward (FusedMatchesReference).
      const double rtol = dtype == torch::kFloat ? 1e-5 : dtype == torch::kBFloat16 ? 1.6e-2 : 2e-3;
      EXPECT_LE(excess(y, rms_norm_reference(x + r, w, 1e-6), rtol, 1e-3), 1.0)
          << "dtype " << dtype << " cols " << cols;
    }
  }
}

TEST(RmsNormCuda, FusedBackwardIsDeterministic) {
  GRPO_REQUIRE_CUDA();
  const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  auto x0 = torch::randn({4099, 896}, opts), w0 = torch::rand({896}, opts);
  auto grads = [&] {
    auto x = x0.clone().requires_grad_(true), w = w0.clone().requires_grad_(true);
    rms_norm(x, w, 1e-6).to(torch::kFloat).pow(2).sum().backward();
    return std::make_pair(x.grad(), w.grad());
  };
  auto [gx1, gw1] = grads();
  auto [gx2, gw2] = grads();
  EXPECT_TRUE(torch::equal(gx1, gx2));
  EXPECT_TRUE(torch::equal(gw1, gw2));  // per-block partials summed in a fixed order: no atomics
}

TEST(RmsNormCuda, WiderThanTheBackwardKernelTakesTheComposite) {
  GRPO_REQUIRE_CUDA();
  const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat);
  auto x = torch::randn({3, 8200}, opts).requires_grad_(true);
  auto w = torch::rand({8200}, opts).requires_grad_(true);
  EXPECT_EQ(rms_norm(x, w, 1e-6).grad_fn()->name(), "MulBackward0");
}

}  // namespace
}  // namespace grpo
