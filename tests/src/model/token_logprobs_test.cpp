// Chunked log-prob/entropy with its hand-written backward, against the naive full-logits version
// differentiated by autograd (log_softmax, gather, −Σ p log p): values and both gradients. The fused
// CUDA path is checked against the composite (chunked_token_logprobs_reference) on the same tensors.
#include "src/model/token_logprobs.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "src/tensor/device.h"
#include "test_util.h"

namespace grpo {
namespace {

struct Result {
  torch::Tensor lp, ent, grad_h, grad_w;
};

Result run(bool chunked, int64_t chunk, const torch::Tensor& h0, const torch::Tensor& w0, const torch::Tensor& t,
           const torch::Tensor& g_lp, const torch::Tensor& g_ent, double temperature = 1.0) {
  auto h = h0.clone().requires_grad_(true), w = w0.clone().requires_grad_(true);
  torch::Tensor lp, ent;
  if (chunked) {
    auto r = chunked_token_logprobs(h, w, t, true, chunk, temperature);
    lp = r.logprobs, ent = r.entropy;
  } else {
    auto logp = torch::log_softmax(torch::matmul(h, w.t()) / temperature, -1);
    lp = logp.gather(1, t.unsqueeze(1)).squeeze(1);
    ent = -(logp.exp() * logp).sum(-1);
  }
  ((lp * g_lp).sum() + (ent * g_ent).sum()).backward();
  return {lp.detach(), ent.detach(), h.grad(), w.grad()};
}

TEST(TokenLogprobs, ChunkedMatchesNaiveValuesAndGradients) {
  torch::manual_seed(3);
  const int64_t T = 11, E = 16, V = 37;
  auto h = torch::randn({T, E}, torch::kDouble), w = torch::randn({V, E}, torch::kDouble);
  auto t = torch::randint(V, {T}, torch::kLong);
  auto g_lp = torch::randn({T}, torch::kDouble), g_ent = torch::randn({T}, torch::kDouble);
  // fp64 inputs: the chunked path computes logits in fp32, so compare at fp32 accuracy.
  const auto naive = run(false, 0, h, w, t, g_lp, g_ent);
  for (int64_t chunk : {1, 3, 11, 100}) {
    const auto got = run(true, chunk, h, w, t, g_lp, g_ent);
    EXPECT_TRUE(torch::allclose(got.lp.to(torch::kDouble), naive.lp, 1e-5, 1e-5)) << chunk;
    EXPECT_TRUE(torch::allclose(got.ent.to(torch::kDouble), naive.ent, 1e-5, 1e-5)) << chunk;
    EXPECT_TRUE(torch::allclose(got.grad_h, naive.grad_h, 1e-5, 1e-5)) << chunk;
    EXPECT_TRUE(torch::allclose(got.grad_w, naive.grad_w, 1e-5, 1e-5)) << chunk;
  }
}

TEST(TokenLogprobs, TemperatureScalesLogitsInValuesAndGradients) {
  torch::manual_seed(5);
  const int64_t T = 7, E = 8, V = 19;
  auto h = torch::randn({T, E}, torch::kDouble), w = torch::randn({V, E}, torch::kDouble);
  auto t = torch::randint(V, {T}, torch::kLong);
  auto g_lp = torch::randn({T}, torch::kDouble), g_ent = torch::randn({T}, torch::kDouble);
  for (double tau : {0.6, 1.7}) {
    const auto naive = run(false, 0, h, w, t, g_lp, g_ent, tau);  // autograd through log_softmax(z / tau)
    const auto got = run(true, 3, h, w, t, g_lp, g_ent, tau);
    EXPECT_TRUE(torch::allclose(got.lp.to(torch::kDouble), naive.lp, 1e-5, 1e-5)) << tau;
    EXPECT_TRUE(torch::allclose(got.ent.to(torch::kDouble), naive.ent, 1e-5, 1e-5)) << tau;
    EXPECT_TRUE(torch::allclose(got.grad_h, naive.grad_h, 1e-5, 1e-5)) << tau;
    EXPECT_TRUE(torch::allclose(got.grad_w, naive.grad_w, 1e-5, 1e-5)) << tau;
  }
}

TEST(TokenLogprobs, GradientOfLogprobsAloneIgnoresEntropy) {
  torch::manual_seed(4);
  auto h = torch::randn({5, 8}), w = torch::randn({13, 8});
  auto t = torch::randint(13, {5}, torch::kLong);
  const auto naive = run(false, 0, h, w, t, torch::ones({5}), torch::zeros({5}));
  auto hh = h.clone().requires_grad_(true);
  chunked_token_logprobs(hh, w, t, false, 2).logprobs.sum().backward();
  EXPECT_TRUE(torch::allclose(hh.grad(), naive.grad_h, 1e-5, 1e-5));
}

TEST(TokenLogprobs, RejectsMismatchedShapes) {
  EXPECT_THROW(chunked_token_logprobs(torch::randn({4, 8}), torch::randn({10, 7}), torch::zeros({4}, torch::kLong), false, 2),
               c10::Error);
  EXPECT_THROW(chunked_token_logprobs(torch::randn({4, 8}), torch::randn({10, 8}), torch::zeros({3}, torch::kLong), false, 2),
               c10::Error);
}

// Values and gradients of one call, for the fused-vs-composite comparisons below. Which outputs carry
// a gradient: g_lp / g_ent undefined leaves that output out of the loss (autograd then hands the
// backward an undefined gradient for it).
Result run_path(bool reference, const torch::Tensor& h0, const torch::Tensor& w0, const torch::Tensor& t,
                bool with_entropy, int64_t chunk, double temperature, const torch::Tensor& g_lp,
                const torch::Tensor& g_ent) {
  auto h = h0.detach().requires_grad_(true), w = w0.detach().requires_grad_(true);  // keeps strided views
  const auto r = reference ? chunked_token_logprobs_reference(h, w, t, with_entropy, chunk, temperature)
                           : chunked_token_logprobs(h, w, t, with_entropy, chunk, temperature);
  torch::Tensor loss = torch::zeros({}, r.logprobs.options());
  if (g_lp.defined()) loss = loss + (r.logprobs * g_lp).sum();
  if (g_ent.defined()) loss = loss + (r.entropy * g_ent).sum();
  loss.backward();
  return {r.logprobs.detach(), with_entropy ? r.entropy.detach() : torch::Tensor(), h.grad(), w.grad()};
}

// max |a − b| / max |b|: an error relative to the tensor's scale (elementwise relative error is
// meaningless for gradient entries near zero).
double scaled_error(const torch::Tensor& a, const torch::Tensor& b) {
  const auto a64 = a.to(torch::kDouble), b64 = b.to(torch::kDouble);
  return ((a64 - b64).abs().max() / b64.abs().max().clamp_min(1e-30)).item<double>();
}

TEST(TokenLogProbs, CpuTakesTheComposite) {
  torch::manual_seed(6);
  auto h = torch::randn({9, 8}), w = torch::randn({23, 8});
  auto t = torch::randint(23, {9}, torch::kLong);
  auto g_lp = torch::randn({9}), g_ent = torch::randn({9});
  const auto got = run_path(false, h, w, t, true, 4, 0.7, g_lp, g_ent);
  const auto ref = run_path(true, h, w, t, true, 4, 0.7, g_lp, g_ent);
  EXPECT_TRUE(torch::equal(got.lp, ref.lp));
  EXPECT_TRUE(torch::equal(got.ent, ref.ent));
  EXPECT_TRUE(torch::equal(got.grad_h, ref.grad_h));
  EXPECT_TRUE(torch::equal(got.grad_w, ref.grad_w));
}

// Tolerances (scaled_error). Both paths compute the same model-dtype logits with the same at::linear,
// then fp32 statistics that differ only in summation order (~1e-6 relative), so log-probs and
// entropies agree to 1e-5 in every dtype. fp32 gradients: grad_z agrees to ~1e-6 and the GEMMs are fp32
// (no TF32 by default): 1e-5. bf16 gradients: grad_z is rounded to bf16 in both paths and may land one
// ulp apart (2^-8 relative), grad_h is a bf16 GEMM output (another 2^-8), and the composite rounds each
// chunk's grad_W product to bf16 before the fp32 sum while the fused path accumulates in fp32 inside
// the GEMM: a few 2^-8 ulps of the largest entry, so 1.5e-2.
TEST(TokenLogProbsCuda, FusedMatchesCompositeValuesAndGradients) {
  GRPO_REQUIRE_CUDA();
  ASSERT_TRUE(cuda_kernels_built());
  torch::manual_seed(7);
  const int64_t T = 37, chunk = 16;  // chunks of 16, 16, 5
  for (auto dtype : {torch::kFloat, torch::kBFloat16}) {
    const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(dtype);
    const double value_tol = 1e-5, grad_tol = dtype == torch::kFloat ? 1e-5 : 1.5e-2;
    for (int64_t V : {1000, 4099, 151936}) {
      for (int64_t E : {64, 896}) {
        // Logits of a few units, as a trained LM head gives: h ~ N(0, 1), w ~ N(0, 1/E)·3.
        auto h = torch::randn({T, E}, opts), w = torch::randn({V, E}, opts) * (3.0 / std::sqrt(double(E)));
        auto t = torch::randint(V, {T}, opts.dtype(torch::kLong));
        auto g_lp = torch::randn({T}, opts.dtype(torch::kFloat)), g_ent = torch::randn({T}, g_lp.options());
        for (double tau : {0.7, 1.0}) {
          for (bool with_entropy : {false, true}) {
            const auto ge = with_entropy ? g_ent : torch::Tensor();
            const auto got = run_path(false, h, w, t, with_entropy, chunk, tau, g_lp, ge);
            const auto ref = run_path(true, h, w, t, with_entropy, chunk, tau, g_lp, ge);
            const std::string where = "dtype " + std::string(c10::toString(dtype)) + " V " + std::to_string(V) + " E " +
                                      std::to_string(E) + " tau " + std::to_string(tau) +
                                      (with_entropy ? " entropy" : "");
            EXPECT_LE(scaled_error(got.lp, ref.lp), value_tol) << where;
            if (with_entropy) {
              EXPECT_LE(scaled_error(got.ent, ref.ent), value_tol) << where;
            }
            EXPECT_LE(scaled_error(got.grad_h, ref.grad_h), grad_tol) << where;
            EXPECT_LE(scaled_error(got.grad_w, ref.grad_w), grad_tol) << where;
          }
        }
      }
    }
  }
}

// One output in the loss and the other not: the backward receives an undefined gradient for it
// (log-probs only: g_H = 0; entropy only: g_lp = 0). Also a strided hidden (a column slice) and a
// transposed-then-transposed lm_head view.
TEST(TokenLogProbsCuda, UndefinedGradientsAndStridedInputs) {
  GRPO_REQUIRE_CUDA();
  torch::manual_seed(8);
  const int64_t T = 21, E = 64, V = 4099;
  const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat);
  auto h = torch::randn({T, E + 5}, opts).narrow(1, 0, E);
  auto w = torch::randn({E, V}, opts).t() * 0.4;
  auto t = torch::randint(V, {T}, opts.dtype(torch::kLong));
  auto g = torch::randn({T}, opts);
  for (bool lp_only : {true, false}) {
    const auto g_lp = lp_only ? g : torch::Tensor(), g_ent = lp_only ? torch::Tensor() : g;
    const auto got = run_path(false, h, w, t, true, 8, 0.7, g_lp, g_ent);
    const auto ref = run_path(true, h, w, t, true, 8, 0.7, g_lp, g_ent);
    EXPECT_LE(scaled_error(got.lp, ref.lp), 1e-5) << lp_only;
    EXPECT_LE(scaled_error(got.ent, ref.ent), 1e-5) << lp_only;
    EXPECT_LE(scaled_error(got.grad_h, ref.grad_h), 1e-5) << lp_only;
    EXPECT_LE(scaled_error(got.grad_w, ref.grad_w), 1e-5) << lp_only;
  }
}

// The fused path against the naive full-logits autograd version directly (not only the composite):
// fp32 on CUDA, the oracle of the CPU tests above.
TEST(TokenLogProbsCuda, FusedMatchesNaiveAutograd) {
  GRPO_REQUIRE_CUDA();
  torch::manual_seed(9);
  const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat);
  auto h = torch::randn({13, 16}, opts), w = torch::randn({1000, 16}, opts);
  auto t = torch::randint(1000, {13}, opts.dtype(torch::kLong));
  auto g_lp = torch::randn({13}, opts), g_ent = torch::randn({13}, opts);
  const auto naive = run(false, 0, h.to(torch::kDouble), w.to(torch::kDouble), t, g_lp.to(torch::kDouble),
                         g_ent.to(torch::kDouble), 0.7);
  const auto got = run_path(false, h, w, t, true, 5, 0.7, g_lp, g_ent);
  EXPECT_LE(scaled_error(got.lp, naive.lp), 1e-5);
  EXPECT_LE(scaled_error(got.ent, naive.ent), 1e-5);
  EXPECT_LE(scaled_error(got.grad_h, naive.grad_h), 1e-5);
  EXPECT_LE(scaled_error(got.grad_w, naive.grad_w), 1e-5);
}

}  // namespace
}  // namespace grpo
