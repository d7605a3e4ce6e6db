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

namespace grpo {
namespace {

TEST(ModelDecoder, LogprobsAndGreedyMatchTheFullForward) {
  const auto cfg = model_preset("tiny");
  CausalLM lm(cfg, torch::TensorOptions().dtype(torch::kFloat).device(torch::kCPU));
  lm->init_weights(3);
  lm->eval();
  ModelDecoder dec(lm);
  EngineOptions o;
  o.cache.num_slots = 5;   // fewer than the 18 sequences: continuous batching and partial groups
  o.sync_interval = 3;
  RolloutEngine engine(dec, o);
  std::vector<std::vector<TokenId>> prompts;
  for (int p = 0; p < 6; ++p) {
    std::vector<TokenId> v;
    for (int j = 0; j < 4 + p; ++j) v.push_back(static_cast<TokenId>((p * 31 + j * 17) % cfg.vocab_size));
    prompts.push_back(v);
  }
  for (float T : {1.0f, 0.7f}) {
    for (bool greedy : {false, true}) {
      SamplingParams s;
      s.temperature = T;
      s.greedy = greedy;
      s.top_p = 0.9f;
      s.max_new_tokens = 12;
      s.seed = 5;
      const auto r = engine.generate(prompts, 3, s);
      EXPECT_EQ(dec.num_slots(), 0);   // released after the rollout
      for (const auto& c : r.completions) {
        std::vector<int64_t> seq(prompts[c.prompt_index].begin(), prompts[c.prompt_index].end());
        const auto L = static_cast<int64_t>(seq.size());
        seq.insert(seq.end(), c.token_ids.begin(), c.token_ids.end());
        torch::NoGradGuard no_grad;
        const auto h = lm->hidden_states(pack_sequences({seq}, torch::kCPU));             // [S, hidden]
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

}  // namespace
}  // namespace grpo
