// Top-k / top-p on CUDA (rollout/truncation_kernel.cu, then the fused draw): the thresholds give exactly
// the kept set of a double-precision oracle written from the definition (ties in bf16 rows included, and
// a tie too large for the kernel's shared-memory candidates), the draws match the CPU chain and follow
// the truncated softmax, and the pair replays inside a CUDA graph.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "rollout/sampler.h"
#include "test_util.h"
#include "tests/rollout/fused_sampler_compare.h"
#include "tests/rollout/sampler_oracle.h"

namespace grpo {
namespace {

const c10::Device kCuda(c10::kCUDA, 0);

// Row kinds with truncation: (T, top_k, top_p), plus min-p and greedy rows that must be unaffected.
std::vector<SamplingParams> truncation_kinds() {
  struct K { float T; int64_t k; float p; float min_p; bool greedy; };
  const std::vector<K> ks = {{1.0f, 50, 1.0f, 0, false},  {0.7f, 0, 0.9f, 0, false},    {1.0f, 50, 0.95f, 0, false},
                             {0.6f, 1, 1.0f, 0, false},   {1.3f, 0, 0.5f, 0, false},    {1.0f, 200, 0.999f, 0, false},
                             {1.0f, 0, 0.05f, 0, false},  {0.8f, 7, 0.3f, 0.05f, false}, {1.0f, 40, 0.9f, 0, true},
                             {1.0f, 0, 1.0f, 0.1f, false}};
  std::vector<SamplingParams> out;
  for (const auto& k : ks) {
    SamplingParams p;
    p.temperature = k.T, p.top_k = k.k, p.top_p = k.p, p.min_p = k.min_p, p.greedy = k.greedy;
    out.push_back(p);
  }
  return out;
}

TEST(TruncationKernelCuda, ThresholdsGiveTheExactKeptSet) {
  GRPO_REQUIRE_CUDA();
  torch::manual_seed(31);
  const auto kinds = truncation_kinds();
  int64_t rows = 0, ambiguous = 0, shift = 0, partial_rows = 0;
  for (int64_t V : {1000, 151936}) {
    for (const auto dtype : {torch::kFloat, torch::kBFloat16}) {   // bf16 rows hold many exact ties
      for (double scale : {0.02, 3.0, 8.0}) {                      // near-flat, typical, peaked
        const int64_t B = static_cast<int64_t>(kinds.size()) + 2;
        auto logits = (torch::randn({B, V}) * scale).to(dtype);
        logits[B - 1].narrow(0, 0, V / 2).fill_(-INFINITY);          // a row with masked tokens
        logits[B - 2].narrow(0, V / 4, V / 2).fill_(1.5);              // a tie of V / 2 tokens near the top
        const Batch b = make_batch(kinds, B, shift++);
        const auto cpu_rows = b.on(torch::kCPU, V);
        const auto thresholds = truncation_thresholds(logits.to(kCuda), b.on(kCuda, V)).cpu();
        const auto z = (logits.to(torch::kFloat) * cpu_rows.inv_temperature.unsqueeze(1)).contiguous();
        const auto chain_mask = truncation_mask(z, cpu_rows);
        const auto chain = chain_mask.accessor<bool, 2>();
        for (int64_t i = 0; i < B; ++i) {
          const SamplingParams& p = *b.params[static_cast<size_t>(i)];
          const float t = thresholds[i].item<float>();
          if (p.greedy || (p.top_k == 0 && p.top_p >= 1.0f)) {
            EXPECT_EQ(t, -INFINITY) << "row " << i << " has no truncation";
            continue;
          }
          ++rows;
          const float* zr = z[i].data_ptr<float>();
          const KeptSet want = oracle_kept_set(zr, V, p.top_k, p.top_p);
          // The kernel's sums are exact integers of weights within 2 ulps of exp (relative 2.4e-7): a row
          // closer than that to a top-p tie may round to either side.
          if (want.margin < 5e-7) {
            ++ambiguous;
            continue;
          }
          int64_t wrong = 0, kept = 0, chain_wrong = 0;
          for (int64_t v = 0; v < V; ++v) {
            wrong += (zr[v] >= t) != want.keep[static_cast<size_t>(v)];
            kept += want.keep[static_cast<size_t>(v)];
            chain_wrong += chain[i][v] != want.keep[static_cast<size_t>(v)];
          }
          partial_rows += kept < V;
          EXPECT_EQ(wrong, 0) << "row " << i << " V " << V << " dtype " << dtype << " scale " << scale << " top_k "
                              << p.top_k << " top_p " << p.top_p << ": threshold " << t << " keeps " << kept << " by the oracle";
          // The chain's float cumsum is the oracle too where the row is far from a tie (new tie rule included);
          // its mask also applies min-p, which the thresholds leave to the draw.
          if (want.margin > 1e-4 && p.min_p == 0.0f) {
            EXPECT_EQ(chain_wrong, 0) << "chain, row " << i << " V " << V << " scale " << scale;
          }
        }
      }
    }
  }
  EXPECT_GE(rows, 80);
  EXPECT_GE(partial_rows, rows / 2) << "most rows must actually truncate";
  EXPECT_LE(ambiguous * 10, rows) << ambiguous << " of " << rows << " rows within 5e-7 of a top-p tie";
}

TEST(TruncationKernelCuda, DrawsMatchCpuChain) {
  GRPO_REQUIRE_CUDA();
  torch::manual_seed(32);
  const auto kinds = truncation_kinds();
  Agreement agree;
  int64_t shift = 0;
  for (int64_t V : {1000, 151936}) {
    for (int64_t B : {9, 256}) {
      const auto logits = torch::randn({B, V}) * 3;
      compare_with_cpu_chain(logits, make_batch(kinds, B, shift++), agree);
      compare_with_cpu_chain(logits.to(torch::kBFloat16), make_batch(kinds, B, shift++), agree);
    }
  }
  EXPECT_LE(agree.token_mismatches * 1000, agree.rows) << agree.token_mismatches << " of " << agree.rows;
}

TEST(TruncationKernelCuda, DrawsFollowTruncatedSoftmax) {
  GRPO_REQUIRE_CUDA();
  const std::vector<double> l = {2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0};
  struct K { float T; int64_t k; float p; float min_p; };
  for (const auto& k : std::vector<K>{{1.0f, 3, 1.0f, 0}, {1.0f, 0, 0.8f, 0}, {1.3f, 5, 0.9f, 0.15f}, {0.7f, 0, 0.6f, 0}}) {
    SamplingParams p;
    p.temperature = k.T, p.top_k = k.k, p.top_p = k.p, p.min_p = k.min_p, p.seed = 14;
    expect_distribution(draw_counts(l, p, kCuda), truncated_softmax(l, k.T, k.k, k.p, k.min_p));
  }
  // A tie at the top-p boundary stands or falls whole: p = (0.4, 0.2, 0.2, 0.2). top_p 0.5: the mass above
  // the 0.2s is 0.4 < 0.5, so all three stay; top_p 0.3: 0.4 >= 0.3, so only the first token stays.
  const std::vector<double> tie = {std::log(0.4), std::log(0.2), std::log(0.2), std::log(0.2)};
  SamplingParams p;
  p.top_p = 0.5f, p.seed = 15;
  expect_distribution(draw_counts(tie, p, kCuda), {0.4, 0.2, 0.2, 0.2});
  p.top_p = 0.3f;
  EXPECT_EQ(draw_counts(tie, p, kCuda), (std::vector<int64_t>{kDraws, 0, 0, 0}));
}

#ifdef GRPO_WITH_CUDA
TEST(TruncationKernelCuda, ReplaysInsideCudaGraph) {
  GRPO_REQUIRE_CUDA();
  torch::manual_seed(33);
  expect_replays_inside_cuda_graph(truncation_kinds(), 21, 20000, 3);
}
#endif

}  // namespace
}  // namespace grpo
