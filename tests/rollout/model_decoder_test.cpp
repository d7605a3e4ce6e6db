// ModelDecoder on the real CausalLM. Checked against the model as a standalone program before the
// merge: 864 tokens, max |Δ logprob| = 9.5e-7, greedy = argmax.
// The engine on the real CausalLM (tiny preset, fp32 CPU): its log-probs equal the training forward's
// log_softmax(logits / T) of the same tokens (issue 5: <= 1e-4), and greedy completions follow the
// argmax of the full (uncached) forward.
#include "rollout/model_decoder.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rollout/engine.h"
#include "src/model/packed_batch.h"
#include "src/model/presets.h"
#include "test_util.h"

namespace grpo {
namespace {

// `count` prompts, prompt p of first_len + len_step·p tokens: token j is (p·a + j·b) mod vocab.
std::vector<std::vector<TokenId>> synthetic_prompts(int count, int first_len, int len_step, int a, int b,
                                                    int64_t vocab) {
  std::vector<std::vector<TokenId>> prompts;
  for (int p = 0; p < count; ++p) {
    std::vector<TokenId> v;
    for (int j = 0; j < first_len + len_step * p; ++j) v.push_back(static_cast<TokenId>((p * a + j * b) % vocab));
    prompts.push_back(v);
  }
  return prompts;
}

TEST(ModelDecoder, LogprobsAndGreedyMatchTheFullForward) {
  const auto cfg = model_preset("tiny");
  CausalLM lm(cfg, torch::TensorOptions().dtype(torch::kFloat).device(torch::kCPU));
  lm->init_weights(3);
  lm->eval();
  ModelDecoder dec(lm);
  EngineOptions o;
  o.cache.num_slots = 5;  // fewer than the 18 sequences: continuous batching and partial groups
  o.sync_interval = 3;
  RolloutEngine engine(dec, o);
  const auto prompts = synthetic_prompts(6, 4, 1, 31, 17, cfg.vocab_size);
  for (float T : {1.0f, 0.7f}) {
    for (bool greedy : {false, true}) {
      SamplingParams s;
      s.temperature = T;
      s.greedy = greedy;
      s.top_p = 0.9f;
      s.max_new_tokens = 12;
      s.seed = 5;
      const auto r = engine.generate(prompts, 3, s);
      EXPECT_EQ(dec.num_slots(), 0);  // released after the rollout
      for (const auto& c : r.completions) {
        std::vector<int64_t> seq(prompts[c.prompt_index].begin(), prompts[c.prompt_index].end());
        const auto L = static_cast<int64_t>(seq.size());
        seq.insert(seq.end(), c.token_ids.begin(), c.token_ids.end());
        torch::NoGradGuard no_grad;
        const auto h = lm->hidden_states(pack_sequences({seq}, torch::kCPU));              // [S, hidden]
        const auto logits = torch::matmul(h, lm->lm_head_weight().t()).to(torch::kFloat);  // [S, V]
        const auto lp = torch::log_softmax(logits / T, 1);
        for (size_t t = 0; t < c.token_ids.size(); ++t) {
          const int64_t row = L - 1 + static_cast<int64_t>(t);
          EXPECT_NEAR(c.logprobs[t], lp[row][c.token_ids[t]].item<double>(), 1e-4);
          if (greedy) {
            EXPECT_EQ(logits[row].argmax().item<int64_t>(), c.token_ids[t]);
          }
        }
      }
    }
  }
}

// Two bf16 GPU rollouts of the same greedy requests whose logits may differ by rounding: the same lengths, the
// same tokens up to each completion's first near-tie flip with log-probs within bf16 noise there, and at least 90%
// of all tokens before a flip.
void expect_same_greedy_run(const RolloutResult& got, const RolloutResult& want) {
  ASSERT_EQ(got.completions.size(), want.completions.size());
  int64_t same = 0, total = 0;
  for (size_t i = 0; i < got.completions.size(); ++i) {
    const auto& g = got.completions[i].token_ids;
    const auto& w = want.completions[i].token_ids;
    ASSERT_EQ(g.size(), w.size());
    for (size_t t = 0; t < g.size() && g[t] == w[t]; ++t) {  // up to the first flip
      ++same;
      EXPECT_NEAR(got.completions[i].logprobs[t], want.completions[i].logprobs[t], 0.05);
    }
    total += static_cast<int64_t>(g.size());
  }
  EXPECT_GT(static_cast<double>(same) / static_cast<double>(total), 0.9);
}

// 4 greedy samples of each prompt, 24 new tokens each (EOS ignored).
RolloutResult greedy_run(ModelDecoder& decoder, const EngineOptions& o,
                         const std::vector<std::vector<TokenId>>& prompts) {
  SamplingParams s;
  s.greedy = true;
  s.max_new_tokens = 24;
  s.ignore_eos = true;
  return RolloutEngine(decoder, o).generate(prompts, 4, s);
}

// The engine over CUDA-graph decode equals the engine over eager decode (bf16, tiny preset): same
// greedy tokens while no near-tie flips (padding changes GEMM shapes, so logits may differ by bf16
// rounding), log-probs within bf16 noise, and the graphs were really used (captured > 0).
TEST(ModelDecoderCuda, GraphDecodeMatchesEagerDecode) {
  GRPO_REQUIRE_CUDA();
  const auto cfg = model_preset("tiny");
  CausalLM lm(cfg, torch::TensorOptions().dtype(torch::kBFloat16).device(torch::kCUDA));
  lm->init_weights(11);
  ModelDecoder graphs(lm, /*cuda_graphs=*/true), eager(lm, /*cuda_graphs=*/false);
  ASSERT_TRUE(graphs.uses_cuda_graphs());
  ASSERT_FALSE(eager.uses_cuda_graphs());
  EngineOptions o;
  o.cache.num_slots = 6;  // 20 sequences through 6 slots: refills, then a drain through smaller buckets
  o.sync_interval = 4;
  const auto prompts = synthetic_prompts(5, 3, 2, 53, 29, cfg.vocab_size);
  const auto want = greedy_run(eager, o, prompts);
  const auto got = greedy_run(graphs, o, prompts);
  EXPECT_GT(graphs.graphs_captured(), 1);
  EXPECT_EQ(graphs.num_slots(), 0);  // cache and graphs released after the rollout
  expect_same_greedy_run(got, want);
}

// Decode graphs that read each group's shared prompt keys once (head_dim 64, so the tensor-core decode attention
// runs) equal graphs that read every row's keys on their own: same greedy tokens while no near-tie flips, log-probs
// within bf16 noise. 8 slots for 5 prompts (200-240 tokens: over kMinSharedKeys) x 4 samples: groups are admitted
// in parts and slots are refilled.
TEST(ModelDecoderCuda, SharedPrefixReadsMatchPerRowReads) {
  GRPO_REQUIRE_CUDA();
  auto cfg = model_preset("tiny");
  cfg.hidden_size = 128, cfg.num_attention_heads = 2, cfg.num_key_value_heads = 1, cfg.head_dim = 64;
  CausalLM lm(cfg, torch::TensorOptions().dtype(torch::kBFloat16).device(torch::kCUDA));
  lm->init_weights(5);
  ModelDecoder shared(lm, /*cuda_graphs=*/true, /*shared_prefix_reads=*/true);
  ModelDecoder per_row(lm, /*cuda_graphs=*/true, /*shared_prefix_reads=*/false);
  ASSERT_TRUE(shared.shares_prefix_reads());
  ASSERT_FALSE(per_row.shares_prefix_reads());
  EngineOptions o;
  o.cache.num_slots = 8;
  o.sync_interval = 2;
  const auto prompts = synthetic_prompts(5, 200, 10, 71, 37, cfg.vocab_size);
  const auto want = greedy_run(per_row, o, prompts);
  const auto got = greedy_run(shared, o, prompts);
  EXPECT_GT(shared.shared_prefix_steps(), 10);
  EXPECT_EQ(per_row.shared_prefix_steps(), 0);
  expect_same_greedy_run(got, want);
}

}  // namespace
}  // namespace grpo
