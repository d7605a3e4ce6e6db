// Decode graphs against the eager cached forward (the oracle: CausalLM::forward_cached, itself checked
// against transformers in causal_lm_test). Two caches get the same prefill; then each decode step
// feeds the same tokens to the graph replay (cache A) and the eager forward (cache B), over batch
// sizes that hit several buckets and leave padding rows, with slots out of order.
#include "src/model/decode_graphs.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "src/model/presets.h"
#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

TEST(DecodeGraphs, RefusedOnTheCpu) {
  CausalLM lm(model_preset("tiny"), torch::TensorOptions().dtype(torch::kFloat));
  EXPECT_FALSE(DecodeGraphs::supported(lm));
  KVCache cache = make_kv_cache(lm->config(), 2, 8, lm->options());
  EXPECT_NE(test::error_of([&] { DecodeGraphs g(lm, cache, 1); }).find("cannot replay CUDA graphs"), std::string::npos);
}

TEST(DecodeGraphsCuda, ReplaysEqualTheEagerForward) {
  GRPO_REQUIRE_CUDA();
  const auto cfg = model_preset("tiny");
  CausalLM lm(cfg, torch::TensorOptions().dtype(torch::kBFloat16).device(torch::kCUDA));
  lm->init_weights(7);
  ASSERT_TRUE(DecodeGraphs::supported(lm));
  constexpr int64_t kSlots = 9, kCap = 64, kScratch = 8;   // slot 8 is the graphs' scratch slot
  KVCache a = make_kv_cache(cfg, kSlots, kCap, lm->options()), b = make_kv_cache(cfg, kSlots, kCap, lm->options());
  // Prefill slots 0..7 with prompts of different lengths (3..10 tokens) in both caches.
  std::vector<int64_t> ids, slots, starts, counts, length(8);
  for (int64_t s = 0; s < 8; ++s) {
    length[s] = 3 + s;
    for (int64_t j = 0; j < length[s]; ++j) ids.push_back((s * 37 + j * 11) % cfg.vocab_size);
    slots.push_back(s), starts.push_back(0), counts.push_back(length[s]);
  }
  const auto prompt = torch::tensor(ids, torch::kLong).cuda();
  auto first = lm->forward_cached(prompt, slots, starts, counts, a);
  lm->forward_cached(prompt, slots, starts, counts, b);
  DecodeGraphs graphs(lm, a, kScratch);
  auto next = first.argmax(1);   // [8] greedy tokens of every slot
  // Live rows per step: 8 (bucket 8), 5 out of order (bucket 8, 3 padding rows), 3 (bucket 4), 1, 8 again.
  const std::vector<std::vector<int64_t>> schedule{{0, 1, 2, 3, 4, 5, 6, 7}, {6, 1, 4, 0, 3}, {7, 2, 5}, {1},
                                                   {0, 1, 2, 3, 4, 5, 6, 7}, {3, 5, 6}};
  double worst = 0;
  for (const auto& rows : schedule) {
    std::vector<int64_t> pos, one(rows.size(), 1);
    for (int64_t s : rows) pos.push_back(length[s]++);
    const auto index = torch::tensor(rows, torch::kLong).cuda();
    const auto tokens = next.index_select(0, index);
    const auto got = graphs.forward(tokens, rows, pos).clone();
    const auto want = lm->forward_cached(tokens, rows, pos, one, b);
    // Padding changes the GEMM shapes, so bf16 rounding may differ: compare at bf16 resolution of
    // logits of magnitude ~1 (random init, std 0.02 weights).
    worst = std::max(worst, (got - want).abs().max().item<double>());
    EXPECT_TRUE(torch::equal(got.argmax(1), want.argmax(1)) || (got - want).abs().max().item<double>() < 2e-2);
    next.index_copy_(0, index, want.argmax(1));
  }
  EXPECT_LT(worst, 2e-2);
  EXPECT_EQ(graphs.graphs_captured(), 3);   // buckets 8, 4, 1
  // The live slots of both caches hold the same K/V (padding rows wrote only the scratch slot).
  const auto live = torch::arange(8, torch::kLong).cuda();
  const auto ka = a.k.index_select(1, live).to(torch::kFloat), kb = b.k.index_select(1, live).to(torch::kFloat);
  EXPECT_LT((ka - kb).abs().max().item<double>(), 2e-2);
  EXPECT_NE(test::error_of([&] { graphs.forward(next.narrow(0, 0, 1), {kScratch}, {0}); }).find("outside"),
            std::string::npos);
}

}  // namespace
}  // namespace grpo
