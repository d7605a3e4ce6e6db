// Fused CUDA sampler against the tensor chain: a batch of rows with per-row parameters, noise keys and
// steps, and the comparison of the fused draw on CUDA with the chain on the CPU copy of the same logits.
#pragma once
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "rollout/gumbel_noise.h"
#include "rollout/sampler.h"

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#endif

namespace grpo {

struct Batch {
  std::vector<const SamplingParams*> params;
  std::vector<NoiseKey> keys;
  std::vector<int64_t> steps;
  SamplerRows on(const c10::Device& d, int64_t V) const { return make_sampler_rows(params, keys, steps, V, d); }
};

inline Batch make_batch(const std::vector<SamplingParams>& kinds, int64_t B, int64_t shift) {
  Batch b;
  for (int64_t i = 0; i < B; ++i) {
    b.params.push_back(&kinds[static_cast<size_t>((i + shift) % static_cast<int64_t>(kinds.size()))]);
    b.keys.push_back(sequence_noise_key(21, i, shift));
    b.steps.push_back(i * 7 + shift);
  }
  return b;
}

// The chain's score of token v in row i, recomputed on the host from the scalar noise specification.
inline double chain_score(const at::Tensor& z_row, const Batch& b, int64_t i, int64_t v) {
  return z_row[v].item<double>() - log_exponential_of_bits(noise_bits(b.keys[i], b.steps[i], v));
}

struct Agreement {
  int64_t rows = 0, token_mismatches = 0;
};

// Compares the fused draw on CUDA with the chain on the CPU copy of `logits` (same dtype).
inline void compare_with_cpu_chain(const at::Tensor& logits, const Batch& b, Agreement& agree) {
  const int64_t B = logits.size(0), V = logits.size(1);
  const c10::Device cuda(c10::kCUDA, 0);
  const auto gpu = sample_tokens(logits.to(cuda), b.on(cuda, V));
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

#ifdef GRPO_WITH_CUDA
// sample_tokens over B rows of the given kinds, captured once in a CUDA graph and replayed after
// advance_steps: the kernels must read the steps from device memory and make no host sync or cudaMalloc
// (capture would fail), and the replay must give the eager draw of each step.
inline void expect_replays_inside_cuda_graph(const std::vector<SamplingParams>& kinds, int64_t B, int64_t V,
                                             int64_t shift) {
  const c10::Device cuda(c10::kCUDA, 0);
  const Batch b = make_batch(kinds, B, shift);
  const auto logits = torch::randn({B, V}, torch::device(cuda)) * 2;
  auto rows = b.on(cuda, V);
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

}  // namespace grpo
