// Chunked log-prob/entropy with its hand-written backward, against the naive full-logits version
// differentiated by autograd (log_softmax, gather, −Σ p log p): values and both gradients.
#include "src/model/token_logprobs.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

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

}  // namespace
}  // namespace grpo
