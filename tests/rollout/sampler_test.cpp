// Sampler: the drawn tokens follow the exact truncated softmax (chi-square, alpha = 0.001), the
// returned log-probs are log_softmax(logits / T) of the drawn token, greedy is argmax, and a row's draw
// does not depend on the rest of its batch.
#include "rollout/sampler.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <numeric>

#include <fmt/format.h>

#include "test_util.h"
#include "tests/rollout/sampler_oracle.h"

namespace grpo {
namespace {

const std::vector<double> kLogits = {2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0};

TEST(Sampler, TemperatureFollowsSoftmax) {
  SamplingParams p;
  p.temperature = 0.7f;
  p.seed = 1;
  expect_distribution(draw_counts(kLogits, p), truncated_softmax(kLogits, 0.7, 0, 1.0, 0.0));
  p.temperature = 1.6f;
  expect_distribution(draw_counts(kLogits, p), truncated_softmax(kLogits, 1.6, 0, 1.0, 0.0));
}

TEST(Sampler, TopKFollowsTruncatedSoftmax) {
  SamplingParams p;
  p.top_k = 3;
  p.seed = 2;
  expect_distribution(draw_counts(kLogits, p), truncated_softmax(kLogits, 1.0, 3, 1.0, 0.0));
}

TEST(Sampler, TopPFollowsTruncatedSoftmax) {
  SamplingParams p;
  p.top_p = 0.8f;
  p.seed = 3;
  expect_distribution(draw_counts(kLogits, p), truncated_softmax(kLogits, 1.0, 0, 0.8, 0.0));
}

TEST(Sampler, MinPFollowsTruncatedSoftmax) {
  SamplingParams p;
  p.min_p = 0.3f;
  p.seed = 4;
  expect_distribution(draw_counts(kLogits, p), truncated_softmax(kLogits, 1.0, 0, 1.0, 0.3));
}

TEST(Sampler, CombinedChainFollowsTruncatedSoftmax) {
  SamplingParams p;
  p.temperature = 1.3f;
  p.top_k = 5;
  p.top_p = 0.9f;
  p.min_p = 0.15f;
  p.seed = 5;
  expect_distribution(draw_counts(kLogits, p), truncated_softmax(kLogits, 1.3, 5, 0.9, 0.15));
}

TEST(Sampler, HandComputedTopP) {
  // p = (0.5, 0.3, 0.15, 0.05). top_p = 0.7: the mass before 0.3 is 0.5 < 0.7 (kept), before 0.15 it is
  // 0.8 >= 0.7 (dropped), so the draw is (0.5, 0.3)/0.8 = (0.625, 0.375, 0, 0).
  const std::vector<double> logits = {std::log(0.5), std::log(0.3), std::log(0.15), std::log(0.05)};
  SamplingParams p;
  p.top_p = 0.7f;
  p.seed = 6;
  expect_distribution(draw_counts(logits, p), {0.625, 0.375, 0, 0});
  // min_p = 0.5 keeps p >= 0.25: the same two tokens.
  p.top_p = 1.0f;
  p.min_p = 0.5f;
  expect_distribution(draw_counts(logits, p), {0.625, 0.375, 0, 0});
  // top_k = 3: (0.5, 0.3, 0.15) / 0.95.
  p.min_p = 0.0f;
  p.top_k = 3;
  expect_distribution(draw_counts(logits, p), {0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0});
}

TEST(Sampler, TopPKeepsATieWhole) {
  // p = (0.4, 0.2, 0.2, 0.2). top_p 0.5: the mass above the 0.2s is 0.4 < 0.5, so all three stay, whatever
  // order a sort puts them in; top_p 0.3: 0.4 >= 0.3, so only the first token stays.
  const std::vector<double> tie = {std::log(0.4), std::log(0.2), std::log(0.2), std::log(0.2)};
  SamplingParams p;
  p.top_p = 0.5f, p.seed = 16;
  expect_distribution(draw_counts(tie, p), {0.4, 0.2, 0.2, 0.2});
  p.top_p = 0.3f;
  EXPECT_EQ(draw_counts(tie, p), (std::vector<int64_t>{kDraws, 0, 0, 0}));
}

TEST(Sampler, TruncationMaskMatchesOracleOnRowsWithTies) {
  // bf16 logits repeat values, so top-k and top-p boundaries often fall inside a run of equal values.
  torch::manual_seed(17);
  const int64_t V = 1000;
  std::vector<SamplingParams> kinds(4);
  kinds[0].top_k = 50;
  kinds[1].top_p = 0.9f, kinds[1].temperature = 0.7f;
  kinds[2].top_k = 100, kinds[2].top_p = 0.6f;
  kinds[3].top_p = 0.3f;
  int64_t compared = 0;
  for (double scale : {0.05, 1.0, 4.0}) {
    const auto logits = (torch::randn({16, V}) * scale).to(torch::kBFloat16);
    std::vector<const SamplingParams*> ps;
    std::vector<NoiseKey> keys;
    for (int64_t i = 0; i < 16; ++i) ps.push_back(&kinds[static_cast<size_t>(i % 4)]), keys.push_back(sequence_noise_key(1, i, 0));
    const auto rows = make_sampler_rows(ps, keys, std::vector<int64_t>(16, 0), V, c10::Device(c10::kCPU));
    const auto z = (logits.to(torch::kFloat) * rows.inv_temperature.unsqueeze(1)).contiguous();
    const auto mask = truncation_mask(z, rows);
    const auto m = mask.accessor<bool, 2>();
    for (int64_t i = 0; i < 16; ++i) {
      const KeptSet want = oracle_kept_set(z[i].data_ptr<float>(), V, ps[i]->top_k, ps[i]->top_p);
      if (want.margin < 1e-4) continue;   // the chain's float cumsum may round either way
      ++compared;
      for (int64_t v = 0; v < V; ++v)
        ASSERT_EQ(m[i][v], want.keep[static_cast<size_t>(v)]) << "row " << i << " token " << v << " scale " << scale;
    }
  }
  EXPECT_GE(compared, 36);
}

TEST(Sampler, LogprobsAreTemperatureScaledBeforeTruncation) {
  // logprob = l_t / T - log Σ_v exp(l_v / T), over the full vocabulary, even with top-k / top-p on.
  torch::manual_seed(0);
  const int64_t B = 16, V = 50;
  const auto logits = torch::randn({B, V}) * 3;
  SamplingParams p;
  p.temperature = 0.6f;
  p.top_k = 5;
  p.top_p = 0.7f;
  std::vector<const SamplingParams*> ps(B, &p);
  std::vector<NoiseKey> keys;
  for (int64_t i = 0; i < B; ++i) keys.push_back(sequence_noise_key(9, i, 0));
  const auto drawn = sample_tokens(logits, make_sampler_rows(ps, keys, std::vector<int64_t>(B, 0), V, torch::kCPU));
  const auto ld = logits.to(torch::kDouble);
  for (int64_t i = 0; i < B; ++i) {
    const int64_t t = drawn.tokens[i].item<int64_t>();
    double lse = 0;
    for (int64_t v = 0; v < V; ++v) lse += std::exp(ld[i][v].item<double>() / 0.6);
    const double expected = ld[i][t].item<double>() / 0.6 - std::log(lse);
    EXPECT_NEAR(drawn.logprobs[i].item<double>(), expected, 1e-5);
  }
}

TEST(Sampler, GreedyIsArgmax) {
  torch::manual_seed(1);
  const int64_t B = 32, V = 40;
  const auto logits = torch::randn({B, V});
  SamplingParams greedy, zero_t;
  greedy.greedy = true;
  greedy.temperature = 0.5f;
  zero_t.temperature = 0.0f;
  std::vector<const SamplingParams*> ps;
  std::vector<NoiseKey> keys;
  for (int64_t i = 0; i < B; ++i) {
    ps.push_back(i % 2 ? &greedy : &zero_t);
    keys.push_back(sequence_noise_key(1, i, 0));
  }
  const auto drawn = sample_tokens(logits, make_sampler_rows(ps, keys, std::vector<int64_t>(B, 3), V, torch::kCPU));
  EXPECT_TRUE(torch::equal(drawn.tokens, logits.argmax(1)));
  // T = 0 rows report T = 1 log-probs; greedy rows with T = 0.5 report log_softmax(l / 0.5).
  const auto lp1 = torch::log_softmax(logits, 1), lp2 = torch::log_softmax(logits / 0.5, 1);
  for (int64_t i = 0; i < B; ++i) {
    const auto& ref = i % 2 ? lp2 : lp1;
    EXPECT_NEAR(drawn.logprobs[i].item<float>(), ref[i][drawn.tokens[i].item<int64_t>()].item<float>(), 1e-6);
  }
}

TEST(Sampler, RowDoesNotDependOnItsBatch) {
  torch::manual_seed(2);
  const int64_t B = 12, V = 30;
  const auto logits = torch::randn({B, V}) * 2;
  SamplingParams a, b;
  b.top_p = 0.8f;   // a sorted row in the batch must not change an unsorted row's draw
  std::vector<const SamplingParams*> ps;
  std::vector<NoiseKey> keys;
  std::vector<int64_t> steps;
  for (int64_t i = 0; i < B; ++i) {
    ps.push_back(i % 3 ? &a : &b);
    keys.push_back(sequence_noise_key(4, i, i % 2));
    steps.push_back(i);
  }
  const auto all = sample_tokens(logits, make_sampler_rows(ps, keys, steps, V, torch::kCPU));
  for (int64_t i = 0; i < B; ++i) {
    const auto one = sample_tokens(logits.narrow(0, i, 1), make_sampler_rows({ps[i]}, {keys[i]}, {steps[i]}, V, torch::kCPU));
    EXPECT_EQ(one.tokens[0].item<int64_t>(), all.tokens[i].item<int64_t>()) << "row " << i;
    EXPECT_FLOAT_EQ(one.logprobs[0].item<float>(), all.logprobs[i].item<float>());
  }
}

}  // namespace
}  // namespace grpo

namespace grpo {
namespace {

SamplerRows mixed_rows(int64_t B, int64_t V, const c10::Device& device, std::vector<SamplingParams>& store) {
  store.assign(4, SamplingParams{});
  store[1].temperature = 0.7f, store[1].top_k = 50;
  store[2].top_p = 0.9f, store[2].min_p = 0.05f;
  store[3].greedy = true;
  std::vector<const SamplingParams*> ps;
  std::vector<NoiseKey> keys;
  std::vector<int64_t> steps;
  for (int64_t i = 0; i < B; ++i) {
    ps.push_back(&store[i % 4]);
    keys.push_back(sequence_noise_key(11, i, 0));
    steps.push_back(i * 3);
  }
  return make_sampler_rows(ps, keys, steps, V, device);
}

TEST(SamplerCuda, MatchesCpu) {
  GRPO_REQUIRE_CUDA();
  torch::manual_seed(3);
  const int64_t B = 64, V = 5000;
  const auto logits = torch::randn({B, V}) * 2;
  std::vector<SamplingParams> store;
  const auto cpu = sample_tokens(logits, mixed_rows(B, V, torch::kCPU, store));
  const auto gpu = sample_tokens(logits.cuda(), mixed_rows(B, V, c10::Device(c10::kCUDA, 0), store));
  EXPECT_TRUE(torch::equal(cpu.tokens, gpu.tokens.cpu()));
  EXPECT_TRUE(torch::allclose(cpu.logprobs, gpu.logprobs.cpu(), 1e-5, 1e-5));
}

// Not a correctness test: prints the cost of a sampler step per decode step at a Qwen2.5 vocabulary.
// sample_tokens takes the fused kernels (with the threshold kernel for top-k / top-p); "chain" times the
// tensor-op chain on the same rows (sample_tokens_reference), the number the kernels replace.
TEST(SamplerCuda, StepCost) {
  GRPO_REQUIRE_CUDA();
  const int64_t V = 151936;
  for (int64_t B : {64, 256, 1024}) {
    for (int mode : {0, 1, 2, 3, 4}) {   // fused / chain at T = 1; top-k 50 + top-p 0.95 fused / chain; top-p 0.95 fused
      SamplingParams p;
      if (mode == 2 || mode == 3) p.top_p = 0.95f, p.top_k = 50;
      if (mode == 4) p.top_p = 0.95f;
      std::vector<const SamplingParams*> ps(B, &p);
      std::vector<NoiseKey> keys;
      for (int64_t i = 0; i < B; ++i) keys.push_back(sequence_noise_key(1, i, 0));
      auto rows = make_sampler_rows(ps, keys, std::vector<int64_t>(B, 0), V, c10::Device(c10::kCUDA, 0));
      const auto logits = torch::randn({B, V}, torch::device(torch::kCUDA));
      const bool chain = mode == 1 || mode == 3;
      const auto step = [&] { return chain ? sample_tokens_reference(logits, rows) : sample_tokens(logits, rows); };
      for (int i = 0; i < 3; ++i) step();
      torch::cuda::synchronize();
      const int iters = 20;
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < iters; ++i) {
        step();
        advance_steps(rows);
      }
      torch::cuda::synchronize();
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / iters;
      const char* name[] = {"T=1 fused", "T=1 chain", "top-k 50 + top-p 0.95 fused", "top-k 50 + top-p 0.95 chain",
                            "top-p 0.95 fused"};
      std::printf("sampler step B=%ld V=%ld %s: %.3f ms\n", static_cast<long>(B), static_cast<long>(V), name[mode], ms);
      const char* key[] = {"fused", "plain", "trunc_fused", "trunc", "top_p_fused"};
      RecordProperty(fmt::format("ms_B{}_{}", B, key[mode]), fmt::format("{:.3f}", ms));
    }
  }
}

}  // namespace
}  // namespace grpo
