// Fused CUDA sampler (rollout/sampler_kernel.cu, reached through sample_tokens on CUDA without top-k /
// top-p): against the tensor chain run on the CPU copy of the same inputs, on edge rows (-inf, ties,
// strided logits), in distribution (chi-square vs softmax), and replayed inside a CUDA graph.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "rollout/sampler.h"
#include "src/tensor/device.h"
#include "test_util.h"

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#endif

namespace grpo {
namespace {

const c10::Device kCuda(c10::kCUDA, 0);

// Six row kinds: T = 0 (greedy), T = 0.7, T = 1, T = 0.7 + min_p 0.05, T = 1 + min_p 0.1, and greedy
// with T = 0.5 and a min_p that greedy must ignore. Row i takes kind (i + shift) % 6.
std::vector<SamplingParams> row_kinds() {
  std::vector<SamplingParams> k(6);
  k[0].temperature = 0.0f;
  k[1].temperature = 0.7f;
  k[2].temperature = 1.0f;
  k[3].temperature = 0.7f, k[3].min_p = 0.05f;
  k[4].temperature = 1.0f, k[4].min_p = 0.1f;
  k[5].greedy = true, k[5].temperature = 0.5f, k[5].min_p = 0.2f;
  return k;
}

struct Batch {
  std::vector<const SamplingParams*> params;
  std::vector<NoiseKey> keys;
  std::vector<int64_t> steps;
  SamplerRows on(const c10::Device& d, int64_t V) const { return make_sampler_rows(params, keys, steps, V, d); }
};

Batch make_batch(const std::vector<SamplingParams>& kinds, int64_t B, int64_t shift) {
  Batch b;
  for (int64_t i = 0; i < B; ++i) {
    b.params.push_back(&kinds[static_cast<size_t>((i + shift) % static_cast<int64_t>(kinds.size()))]);
    b.keys.push_back(sequence_noise_key(21, i, shift));
    b.steps.push_back(i * 7 + shift);
  }
  return b;
}

// The chain's score of token v in row i, recomputed on the host from the scalar noise specification.
double chain_score(const at::Tensor& z_row, const Batch& b, int64_t i, int64_t v) {
  return z_row[v].item<double>() - log_exponential_of_bits(noise_bits(b.keys[i], b.steps[i], v));
}

struct Agreement {
  int64_t rows = 0, token_mismatches = 0;
};

// Compares the fused draw on CUDA with the chain on the CPU copy of `logits` (same dtype).
void compare_with_cpu_chain(const at::Tensor& logits, const Batch& b, Agreement& agree) {
  const int64_t B = logits.size(0), V = logits.size(1);
  const auto gpu = sample_tokens(logits.to(kCuda), b.on(kCuda, V));
  const auto cpu_rows = b.on(torch::kCPU, V);
  const auto cpu = sample_tokens(logits, cpu_rows);
  const auto gpu_tokens = gpu.tokens.cpu(), gpu_lp = gpu.logprobs.cpu();
  const auto z = logits.to(torch::kFloat) * cpu_rows.inv_temperature.unsqueeze(1);
  const auto logp = torch::log_softmax(z.to(torch::kDouble), 1);
  for (int64_t i = 0; i < B; ++i) {
    const int64_t tg = gpu_tokens[i].item<int64_t>(), tc = cpu.tokens[i].item<int64_t>();
    ASSERT_TRUE(tg >= 0 && tg < V) << "row " << i << " token " << tg;
    ++agree.rows;
    if (tg != tc) {
      // Only a near-tie may differ: the CPU's vectorised log / log-sum-exp and CUDA's logf can differ
      // in the last ulp, which flips an argmax whose top two scores agree to ~1e-6.
      ++agree.token_mismatches;
      const double sc = chain_score(z[i], b, i, tc), sg = chain_score(z[i], b, i, tg);
      EXPECT_NEAR(sg, sc, 1e-5 * std::max(1.0, std::abs(sc))) << "row " << i << " B " << B << " V " << V;
    }
    // The policy's log-prob of the drawn token, over the full vocabulary (before min-p).
    EXPECT_NEAR(gpu_lp[i].item<double>(), logp[i][tg].item<double>(), 1e-4) << "row " << i << " B " << B << " V " << V;
  }
}

TEST(SamplerKernelCuda, MatchesCpuChain) {
  GRPO_REQUIRE_CUDA();
  ASSERT_TRUE(cuda_kernels_built());
  torch::manual_seed(7);
  const auto kinds = row_kinds();
  Agreement agree;
  int64_t shift = 0;
  for (int64_t V : {50, 1000, 151936}) {
    for (int64_t B : {1, 7, 64, 300}) {
      const auto logits = torch::randn({B, V}) * 3;
      compare_with_cpu_chain(logits, make_batch(kinds, B, shift++ % 6), agree);
      if (B == 64 || (B == 7 && V == 1000)) {   // the half-precision loads
        compare_with_cpu_chain(logits.to(torch::kBFloat16), make_batch(kinds, B, shift++ % 6), agree);
        compare_with_cpu_chain(logits.to(torch::kHalf), make_batch(kinds, B, shift++ % 6), agree);
      }
    }
  }
  // Near-flat rows, as random-weight models give: every token stays close to the best score, so the
  // kernel's cut (consider_sampled) must keep the true winner among many near-candidates.
  for (int64_t B : {64, 257}) compare_with_cpu_chain(torch::randn({B, 151936}) * 0.02, make_batch(kinds, B, shift++ % 6), agree);
  // >= 99.9% of rows draw the same token (about 2,900 rows: at most 2 near-ties).
  EXPECT_LE(agree.token_mismatches * 1000, agree.rows) << agree.token_mismatches << " of " << agree.rows;
}

TEST(SamplerKernelCuda, EdgeRows) {
  GRPO_REQUIRE_CUDA();
  const int64_t V = 151936;
  const float inf = std::numeric_limits<float>::infinity();
  auto logits = torch::full({6, V}, -inf);
  std::vector<SamplingParams> p(6);
  logits[0][V - 1] = 1.5f;                       // one finite logit, last column, sampled
  logits[1][0] = -3.0f, p[1].min_p = 0.1f;       // one finite logit, first column, min-p
  logits[2].fill_(0.0f), p[2].temperature = 0;   // all equal, greedy: the lowest index
  logits[3].fill_(0.0f);                         // all equal, sampled: the noise decides
  logits[4].fill_(-1.0f), logits[4][100] = 2.0f, logits[4][5000] = 2.0f, p[4].greedy = true;  // tie at 100
  // p ∝ (1, 0.6, 0.4) on three columns; min_p 0.5 keeps p >= 0.5 · p_max: columns 10 and 20000.
  logits[5][10] = 0.0f, logits[5][20000] = std::log(0.6f), logits[5][151000] = std::log(0.4f), p[5].min_p = 0.5f;
  Batch b;
  for (int64_t i = 0; i < 6; ++i) {
    b.params.push_back(&p[static_cast<size_t>(i)]);
    b.keys.push_back(sequence_noise_key(3, i, 0));
    b.steps.push_back(5);
  }
  const auto gpu = sample_tokens(logits.to(kCuda), b.on(kCuda, V));
  const auto t = gpu.tokens.cpu(), lp = gpu.logprobs.cpu();
  EXPECT_EQ(t[0].item<int64_t>(), V - 1);
  EXPECT_EQ(t[1].item<int64_t>(), 0);
  EXPECT_EQ(t[2].item<int64_t>(), 0);
  EXPECT_EQ(t[4].item<int64_t>(), 100);
  EXPECT_TRUE(t[5].item<int64_t>() == 10 || t[5].item<int64_t>() == 20000) << t[5].item<int64_t>();
  // log-probs by hand: a lone finite logit has probability 1; a flat row has 1/V; row 4 has
  // 2·e^2 + (V-2)·e^-1 in the partition; row 5's are log of (1, 0.6, 0.4)/2.
  EXPECT_NEAR(lp[0].item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(lp[1].item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(lp[2].item<double>(), -std::log(static_cast<double>(V)), 1e-4);
  EXPECT_NEAR(lp[3].item<double>(), -std::log(static_cast<double>(V)), 1e-4);
  EXPECT_NEAR(lp[4].item<double>(), 2.0 - std::log(2 * std::exp(2.0) + (V - 2) * std::exp(-1.0)), 1e-4);
  EXPECT_NEAR(lp[5].item<double>(), std::log((t[5].item<int64_t>() == 10 ? 1.0 : 0.6) / 2.0), 1e-5);
  // And the same tokens as the chain on the CPU.
  const auto cpu = sample_tokens(logits, b.on(torch::kCPU, V));
  EXPECT_TRUE(torch::equal(t, cpu.tokens)) << t << cpu.tokens;
}

TEST(SamplerKernelCuda, StridedLogits) {
  GRPO_REQUIRE_CUDA();
  // A [B, V] slice of [B, T, V] logits (row stride T·V), as the last position of a prefill.
  torch::manual_seed(8);
  const int64_t B = 9, T = 3, V = 4099;
  const auto full = torch::randn({B, T, V}) * 2;
  const auto kinds = row_kinds();
  const Batch b = make_batch(kinds, B, 1);
  const auto gpu = sample_tokens(full.to(kCuda).select(1, T - 1), b.on(kCuda, V));
  const auto cpu = sample_tokens(full.select(1, T - 1).contiguous(), b.on(torch::kCPU, V));
  EXPECT_TRUE(torch::equal(gpu.tokens.cpu(), cpu.tokens));
  EXPECT_TRUE(torch::allclose(gpu.logprobs.cpu(), cpu.logprobs, 1e-5, 1e-5));
}

// Draws of one row repeated kDraws times (row i: prompt i / 50, step i % 50) follow the oracle:
// softmax(l / T), restricted to p_i >= min_p · p_max and renormalised (chi-square at alpha = 0.001).
void expect_softmax_draws(double T, double min_p) {
  constexpr int64_t kDraws = 20000;
  constexpr double kChi2Crit001[] = {0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458};  // df = 1..6
  const std::vector<double> l = {2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0};
  const auto V = static_cast<int64_t>(l.size());
  std::vector<double> p(l.size());
  for (size_t i = 0; i < l.size(); ++i) p[i] = std::exp((l[i] - l[0]) / T) >= min_p ? std::exp(l[i] / T) : 0.0;
  const double total = std::accumulate(p.begin(), p.end(), 0.0);
  for (double& x : p) x /= total;
  SamplingParams sp;
  sp.temperature = static_cast<float>(T);
  sp.min_p = static_cast<float>(min_p);
  Batch b;
  for (int64_t i = 0; i < kDraws; ++i) {
    b.params.push_back(&sp);
    b.keys.push_back(sequence_noise_key(12, i / 50, 0));
    b.steps.push_back(i % 50);
  }
  const auto logits = torch::tensor(l, torch::kDouble).to(torch::kFloat).unsqueeze(0).expand({kDraws, V});
  const auto tokens = sample_tokens(logits.to(kCuda), b.on(kCuda, V)).tokens.cpu();
  const auto counts = torch::bincount(tokens, {}, V);
  double chi2 = 0;
  int df = -1;
  for (int64_t v = 0; v < V; ++v) {
    const auto n = counts[v].item<double>();
    if (p[static_cast<size_t>(v)] == 0) {
      EXPECT_EQ(n, 0) << "token " << v << " is below min_p but was drawn";
      continue;
    }
    const double e = p[static_cast<size_t>(v)] * kDraws;
    chi2 += (n - e) * (n - e) / e;
    ++df;
  }
  ASSERT_GE(df, 1);
  EXPECT_LT(chi2, kChi2Crit001[df]) << "chi-square " << chi2 << ", df " << df << ", T " << T << ", min_p " << min_p;
}

TEST(SamplerKernelCuda, DrawsFollowSoftmax) {
  GRPO_REQUIRE_CUDA();
  expect_softmax_draws(0.7, 0.0);
  expect_softmax_draws(1.0, 0.0);
  // min_p 0.3 at T = 1 keeps l >= 2 + ln 0.3 ≈ 0.80: the first three tokens.
  expect_softmax_draws(1.0, 0.3);
}

#ifdef GRPO_WITH_CUDA
TEST(SamplerKernelCuda, ReplaysInsideCudaGraph) {
  GRPO_REQUIRE_CUDA();
  // Captured once, replayed after advance_steps: the kernel must read steps from device memory and
  // make no host sync or cudaMalloc (capture would fail).
  torch::manual_seed(9);
  const int64_t B = 33, V = 20000;
  const auto kinds = row_kinds();
  const Batch b = make_batch(kinds, B, 2);
  const auto logits = torch::randn({B, V}, torch::device(kCuda)) * 2;
  auto rows = b.on(kCuda, V);
  torch::cuda::synchronize();   // inputs were made on the default stream; capture runs on a side stream
  const c10::cuda::CUDAStream stream = c10::cuda::getStreamFromPool();
  const c10::cuda::CUDAStreamGuard guard(stream);
  const auto eager0 = sample_tokens(logits, rows);
  at::cuda::CUDAGraph graph;
  graph.capture_begin();
  const auto captured = sample_tokens(logits, rows);
  graph.capture_end();
  graph.replay();
  EXPECT_TRUE(torch::equal(captured.tokens, eager0.tokens));
  EXPECT_TRUE(torch::equal(captured.logprobs, eager0.logprobs));
  advance_steps(rows);
  const auto eager1 = sample_tokens(logits, rows);
  graph.replay();
  EXPECT_TRUE(torch::equal(captured.tokens, eager1.tokens));
  EXPECT_FALSE(torch::equal(eager0.tokens, eager1.tokens)) << "new step, new noise: some sampled row must change";
}
#endif

}  // namespace
}  // namespace grpo
