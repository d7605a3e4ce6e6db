// Fused CUDA sampler (rollout/sampler_kernel.cu, reached through sample_tokens on CUDA; its top-k / top-p
// thresholds are tested in truncation_kernel_test.cpp): against the tensor chain run on the CPU copy of the same inputs, on edge rows (-inf, ties,
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
#include "tests/rollout/fused_sampler_compare.h"
#include "tests/rollout/sampler_oracle.h"

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

TEST(SamplerKernelCuda, DrawsFollowSoftmax) {
  GRPO_REQUIRE_CUDA();
  const std::vector<double> l = {2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0};
  for (const auto& [T, min_p] : std::vector<std::pair<float, float>>{{0.7f, 0.0f}, {1.0f, 0.0f}, {1.0f, 0.3f}}) {
    SamplingParams p;   // min_p 0.3 at T = 1 keeps l >= 2 + ln 0.3 ≈ 0.80: the first three tokens
    p.temperature = T, p.min_p = min_p, p.seed = 12;
    expect_distribution(draw_counts(l, p, kCuda), truncated_softmax(l, T, 0, 1.0, min_p));
  }
}

#ifdef GRPO_WITH_CUDA
TEST(SamplerKernelCuda, ReplaysInsideCudaGraph) {
  GRPO_REQUIRE_CUDA();
  torch::manual_seed(9);
  expect_replays_inside_cuda_graph(row_kinds(), 33, 20000, 2);
}
#endif

}  // namespace
}  // namespace grpo
