// SwiGLU: the composite against a hand computation, the CPU dispatch (always the composite), and the
// fused CUDA kernels against the composite's outputs and autograd gradients.
#include "src/tensor/swiglu.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "test_util.h"

namespace grpo {
namespace {

// max |a − b| / (rtol·|b| + atol), in fp32; ≤ 1 means every element is within tolerance.
double excess(const at::Tensor& a, const at::Tensor& b, double rtol, double atol) {
  const auto a32 = a.to(torch::kFloat), b32 = b.to(torch::kFloat);
  return ((a32 - b32).abs() / (b32.abs() * rtol + atol)).max().item<double>();
}

TEST(SwiGlu, HandComputed) {
  // silu(a) = a·σ(a): σ(1) = 0.7310586, σ(−2) = 0.1192029, so silu = [0, 0.7310586, −0.2384058] and
  // y = silu ⊙ up = [0, 2.1931757, −0.1192029].  With g = 1:  ∂y/∂up = silu(a);
  // ∂y/∂a = up·σ·(1 + a·(1 − σ)) = [2·0.5·1, 3·0.7310586·1.2689414, 0.5·0.1192029·(1 − 2·0.8807971)]
  //       = [1, 2.7830115, −0.0453921].
  auto a = torch::tensor({0.0f, 1.0f, -2.0f}, torch::requires_grad());
  auto u = torch::tensor({2.0f, 3.0f, 0.5f}, torch::requires_grad());
  auto y = swiglu(a, u);
  y.sum().backward();
  const float want_y[] = {0.0f, 2.1931757f, -0.1192029f};
  const float want_ga[] = {1.0f, 2.7830115f, -0.0453921f};
  const float want_gu[] = {0.0f, 0.7310586f, -0.2384058f};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(y[i].item<float>(), want_y[i], 1e-6);
    EXPECT_NEAR(a.grad()[i].item<float>(), want_ga[i], 1e-6);
    EXPECT_NEAR(u.grad()[i].item<float>(), want_gu[i], 1e-6);
  }
}

TEST(SwiGlu, CpuTakesTheComposite) {
  auto gu = torch::randn({5, 2 * 7}, torch::requires_grad());
  auto parts = gu.split_with_sizes({7, 7}, -1);
  auto y = swiglu(parts[0], parts[1]);
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "MulBackward0");  // silu(gate) * up, not the fused autograd function
  EXPECT_TRUE(torch::equal(y, swiglu_reference(parts[0], parts[1])));
}

TEST(SwiGlu, JoinedHalvesEqualTheTwoArgumentForm) {
  auto gu = torch::randn({4, 2 * 5}, torch::requires_grad());
  auto y = swiglu(gu);
  auto y_ref = swiglu_reference(gu.narrow(1, 0, 5), gu.narrow(1, 5, 5));
  EXPECT_TRUE(torch::equal(y, y_ref));
  EXPECT_THROW(swiglu(torch::zeros({2, 3})), c10::Error);  // odd width: no halves
}

TEST(SwiGlu, ShapeMismatchIsAnError) { EXPECT_THROW(swiglu(torch::zeros({2, 3}), torch::zeros({2, 4})), c10::Error); }

// Forward and gradients of the fused path against the composite on the same inputs.
// Tolerances: fp32 — both compute σ and the products in fp32, in different orders: a few fp32 ulps.
// bf16/fp16 — both round silu, y, g·up and the grads at the same points, so they differ only where an
// fp32 difference of a few ulps flips a rounding — of silu(gate), then of y: up to two ulps of the output
// (one ulp is at most 2^-7 relative in bf16, 2^-10 in fp16), so rtol is 1.6e-2 / 2e-3; atol covers
// outputs that cancel to near zero (1 + a(1 − σ) ≈ 0).
enum class Layout { kContiguous, kSlices, kJoined };  // separate tensors; halves of one; swiglu([gate | up])

void check_against_reference(torch::ScalarType dtype, int64_t rows, int64_t cols, Layout layout) {
  const bool fused_slices = layout != Layout::kContiguous;
  const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(dtype);
  const double rtol = dtype == torch::kFloat ? 1e-5 : dtype == torch::kBFloat16 ? 1.6e-2 : 2e-3;
  const double atol = dtype == torch::kFloat ? 1e-6 : 1e-3;
  auto gu0 = torch::randn({rows, 2 * cols}, opts) * 3;
  auto gy = torch::randn({rows, cols}, opts);
  auto run = [&](bool fused) {
    auto gu = gu0.clone().requires_grad_(true);
    at::Tensor gate, up;
    if (fused_slices) {  // column halves of one [rows, 2I] tensor: row stride 2I
      auto parts = gu.split_with_sizes({cols, cols}, -1);
      gate = parts[0], up = parts[1];
    } else {
      gate = gu.narrow(1, 0, cols).contiguous(), up = gu.narrow(1, cols, cols).contiguous();
    }
    auto y = !fused ? swiglu_reference(gate, up) : layout == Layout::kJoined ? swiglu(gu) : swiglu(gate, up);
    if (fused) {
      EXPECT_NE(y.grad_fn()->name(), "MulBackward0") << "the fused path did not run";
    }
    EXPECT_TRUE(y.is_contiguous());
    (y.to(torch::kFloat) * gy.to(torch::kFloat)).sum().backward();
    return std::make_pair(y.detach(), gu.grad());
  };
  auto [y, grad] = run(true);
  auto [y_ref, grad_ref] = run(false);
  const std::string where = std::string(c10::toString(dtype)) + " rows " + std::to_string(rows) + " cols " +
                            std::to_string(cols) + (layout == Layout::kJoined ? " joined" : fused_slices ? " slices" : " contiguous");
  EXPECT_LE(excess(y, y_ref, rtol, atol), 1.0) << "y " << where;
  EXPECT_LE(excess(grad.narrow(1, 0, cols), grad_ref.narrow(1, 0, cols), rtol, atol), 1.0) << "grad_gate " << where;
  EXPECT_LE(excess(grad.narrow(1, cols, cols), grad_ref.narrow(1, cols, cols), rtol, atol), 1.0) << "grad_up " << where;

  torch::NoGradGuard no_grad;  // the decode path: forward kernel alone, on strided slices
  auto parts = gu0.split_with_sizes({cols, cols}, -1);
  EXPECT_LE(excess(swiglu(parts[0], parts[1]), swiglu_reference(parts[0], parts[1]), rtol, atol), 1.0) << where;
}

TEST(SwiGluCuda, FusedMatchesReference) {
  GRPO_REQUIRE_CUDA();
  for (auto dtype : {torch::kFloat, torch::kBFloat16, torch::kHalf})
    for (int64_t cols : {37, 64, 896, 1536, 3584, 4864, 8960})  // 37: no 16-byte packs, one element a thread
      for (auto layout : {Layout::kContiguous, Layout::kSlices, Layout::kJoined})
        check_against_reference(dtype, 37, cols, layout);
  check_against_reference(torch::kBFloat16, 1, 4864, Layout::kSlices);  // decode: one token
  check_against_reference(torch::kBFloat16, 1, 4864, Layout::kJoined);
}

TEST(SwiGluCuda, ThreeDimensionalAndStridedInputs) {
  GRPO_REQUIRE_CUDA();
  const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat);
  // A contiguous [B, T, I] input is viewed as rows; the output keeps the input's shape.
  auto g3 = torch::randn({3, 5, 96}, opts), u3 = torch::randn({3, 5, 96}, opts);
  auto y3 = swiglu(g3, u3);
  EXPECT_EQ(y3.sizes(), g3.sizes());
  EXPECT_LE(excess(y3, swiglu_reference(g3, u3), 1e-5, 1e-6), 1.0);
  // A transposed input (last dim not unit-stride) falls back to the composite and is still right.
  auto gt = torch::randn({96, 7}, opts).t(), ut = torch::randn({96, 7}, opts).t();
  auto yt = swiglu(gt, ut);
  EXPECT_TRUE(torch::allclose(yt, swiglu_reference(gt, ut)));
}

}  // namespace
}  // namespace grpo
