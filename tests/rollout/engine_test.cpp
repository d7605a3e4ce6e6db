// The engine against a one-sequence-at-a-time oracle over FakeDecoder::reference_logits (no cache, no
// scheduler): continuous batching, prefix sharing and batched syncs must not change any completion;
// log-probs, stop tokens, stop strings, length limits, greedy decoding and the error paths.
#include "rollout/engine.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "fake_decoder.h"
#include "test_util.h"
#include "rollout/sampler.h"
#include "src/util/error.h"

namespace grpo {
namespace {

using test::FakeDecoder;
constexpr int64_t kVocab = 24;

struct Reference {
  std::vector<TokenId> ids;
  std::vector<double> logprobs;   // log_softmax(z / T)[token], in double
  FinishReason reason = FinishReason::kLength;
};

// Decodes (prompt p, sample g) alone: the logits from the full token list, one sampler row per step
// with the same noise key, stop on eos / stop ids, at most max_new tokens.
Reference decode_alone(const FakeDecoder& fake, const std::vector<TokenId>& prompt, int64_t p, int64_t g,
                       const SamplingParams& params, int64_t max_new) {
  Reference r;
  std::vector<int64_t> seq(prompt.begin(), prompt.end());
  for (int64_t t = 0; t < max_new; ++t) {
    const auto z = fake.reference_logits(seq);
    const auto logits = torch::tensor(z, torch::kFloat).unsqueeze(0);
    const auto rows = make_sampler_rows({&params}, {sequence_noise_key(params.seed, p, g)}, {t}, kVocab, torch::kCPU);
    const auto tok = static_cast<TokenId>(sample_tokens(logits, rows).tokens[0].item<int64_t>());
    const double T = params.temperature > 0 ? params.temperature : 1.0;
    double lse = 0;
    for (float v : z) lse += std::exp(v / T);
    r.ids.push_back(tok);
    r.logprobs.push_back(z[tok] / T - std::log(lse));
    seq.push_back(tok);
    const auto in = [tok](const std::vector<TokenId>& v) { return std::find(v.begin(), v.end(), tok) != v.end(); };
    if ((!params.ignore_eos && in(params.eos_token_ids)) || in(params.stop_token_ids)) {
      r.reason = FinishReason::kStop;
      break;
    }
  }
  return r;
}

std::vector<std::vector<TokenId>> make_prompts(int64_t n) {
  std::vector<std::vector<TokenId>> prompts;
  for (int64_t p = 0; p < n; ++p) {
    std::vector<TokenId> ids;
    for (int64_t j = 0; j < 3 + (p * 5) % 7; ++j) ids.push_back(static_cast<TokenId>((p * 7 + j * 3 + 1) % kVocab));
    prompts.push_back(ids);
  }
  return prompts;
}

SamplingParams sampling() {
  SamplingParams s;
  s.temperature = 0.9f;
  s.top_k = 16;
  s.top_p = 0.95f;
  s.min_p = 0.02f;
  s.max_new_tokens = 14;
  s.eos_token_ids = {0};
  s.stop_token_ids = {5};
  s.seed = 42;
  return s;
}

EngineOptions with_slots(int64_t slots, int64_t sync_interval) {
  EngineOptions o;
  o.cache.num_slots = slots;
  o.sync_interval = sync_interval;
  return o;
}

void expect_matches_reference(const FakeDecoder& fake, const RolloutResult& r,
                              const std::vector<std::vector<TokenId>>& prompts, int64_t G, const SamplingParams& s) {
  ASSERT_EQ(r.completions.size(), prompts.size() * G);
  int stops = 0, lengths = 0;
  for (size_t i = 0; i < r.completions.size(); ++i) {
    const Completion& c = r.completions[i];
    ASSERT_EQ(c.prompt_index, static_cast<int64_t>(i) / G);
    ASSERT_EQ(c.sample_index, static_cast<int64_t>(i) % G);
    const auto ref = decode_alone(fake, prompts[c.prompt_index], c.prompt_index, c.sample_index, s, s.max_new_tokens);
    ASSERT_EQ(c.token_ids, ref.ids) << "prompt " << c.prompt_index << " sample " << c.sample_index;
    ASSERT_EQ(c.finish_reason, ref.reason);
    for (size_t t = 0; t < ref.ids.size(); ++t) EXPECT_NEAR(c.logprobs[t], ref.logprobs[t], 1e-5);
    (c.finish_reason == FinishReason::kStop ? stops : lengths)++;
  }
  // The setup must exercise both ways to finish, or the comparison proves less than it claims.
  EXPECT_GT(stops, 0);
  EXPECT_GT(lengths, 0);
}

TEST(RolloutEngine, ContinuousBatchingAndPrefixSharingMatchOneAtATime) {
  const auto prompts = make_prompts(9);
  const int64_t G = 4;
  const auto s = sampling();
  for (const auto& [slots, interval] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {3, 1}, {5, 3}, {7, 8}, {64, 2}}) {
    SCOPED_TRACE(testing::Message() << slots << " slots, sync every " << interval);
    FakeDecoder fake(kVocab);
    RolloutEngine engine(fake, with_slots(slots, interval));
    const auto r = engine.generate(prompts, G, s);
    expect_matches_reference(fake, r, prompts, G, s);
    EXPECT_LE(fake.max_batch_, slots);
    EXPECT_EQ(r.stats.slots, std::min<int64_t>(slots, 9 * G));
    int64_t prompt_tokens = 0;
    for (const auto& p : prompts) prompt_tokens += static_cast<int64_t>(p.size());
    // One slot: no sibling is ever alive when the next sample starts, so every sample re-prefills
    // (drawing its first token from the kept logits). Enough slots: one prefill per prompt.
    if (slots == 1) {
      EXPECT_EQ(r.stats.prefill_tokens, G * prompt_tokens);
    } else {
      EXPECT_LT(r.stats.prefill_tokens, G * prompt_tokens);
    }
    if (slots >= 9 * G) {
      EXPECT_EQ(r.stats.prefill_tokens, prompt_tokens);
    }
  }
}

TEST(RolloutEngine, PrefillsEachPromptOnceWhenGroupsFit) {
  const auto prompts = make_prompts(6);
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, with_slots(24, 1));
  const auto r = engine.generate(prompts, 4, sampling());
  int64_t prompt_tokens = 0;
  for (const auto& p : prompts) prompt_tokens += static_cast<int64_t>(p.size());
  EXPECT_EQ(r.stats.prefill_tokens, prompt_tokens);      // once per prompt, not per sample
  EXPECT_EQ(r.stats.prompt_tokens, 4 * prompt_tokens);
  EXPECT_EQ(r.stats.prefill_calls, 1);                   // all six prompts in one packed forward
  EXPECT_EQ(fake.copies_, 6 * 3);                        // G - 1 copies per prompt
}

TEST(RolloutEngine, SameSeedSameCompletionsOtherSeedOthers) {
  const auto prompts = make_prompts(4);
  auto s = sampling();
  s.eos_token_ids.clear();
  s.stop_token_ids.clear();
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, with_slots(5, 2));
  const auto a = engine.generate(prompts, 3, s), b = engine.generate(prompts, 3, s);
  s.seed = 43;
  const auto c = engine.generate(prompts, 3, s);
  int differ = 0;
  for (size_t i = 0; i < a.completions.size(); ++i) {
    EXPECT_EQ(a.completions[i].token_ids, b.completions[i].token_ids);
    differ += a.completions[i].token_ids != c.completions[i].token_ids;
  }
  EXPECT_GT(differ, 0);
  // Samples of one group differ from each other (independent draws from the shared prefill).
  EXPECT_NE(a.completions[0].token_ids, a.completions[1].token_ids);
}

TEST(RolloutEngine, GreedyFollowsTheArgmaxPath) {
  // Oracle: argmax of reference_logits, appended until max_new_tokens; log-probs at T = 1.
  const auto prompts = make_prompts(3);
  SamplingParams s;
  s.greedy = true;
  s.max_new_tokens = 10;
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, with_slots(4, 1));
  const auto r = engine.generate(prompts, 2, s);
  for (const auto& c : r.completions) {
    std::vector<int64_t> seq(prompts[c.prompt_index].begin(), prompts[c.prompt_index].end());
    for (size_t t = 0; t < 10; ++t) {
      const auto z = fake.reference_logits(seq);
      const auto best = std::max_element(z.begin(), z.end()) - z.begin();
      ASSERT_EQ(c.token_ids.at(t), best);
      double lse = 0;
      for (float v : z) lse += std::exp(v);
      EXPECT_NEAR(c.logprobs[t], z[best] - std::log(lse), 1e-5);
      seq.push_back(best);
    }
    EXPECT_EQ(c.finish_reason, FinishReason::kLength);
  }
  EXPECT_EQ(r.completions[0].token_ids, r.completions[1].token_ids);
}

TEST(RolloutEngine, IgnoreEosRunsToMaxNewTokens) {
  auto s = sampling();
  s.stop_token_ids.clear();
  s.eos_token_ids = {0, 1, 2, 3, 4, 6, 7};   // would stop almost at once
  s.ignore_eos = true;
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, with_slots(4, 4));
  for (const auto& c : engine.generate(make_prompts(3), 2, s).completions) {
    EXPECT_EQ(c.token_ids.size(), 14u);
    EXPECT_EQ(c.finish_reason, FinishReason::kLength);
  }
}

// Token v decodes to one of four pieces, so "abba" arises across 2 to 4 tokens.
std::string pieces(std::span<const TokenId> ids) {
  static const char* kPiece[] = {"a", "b", "ab", "ba"};
  std::string s;
  for (TokenId t : ids) s += kPiece[t % 4];
  return s;
}

TEST(RolloutEngine, StopStringsCutTokensAndText) {
  // Oracle: the full reference sequence without stop strings; the completion must end at the first
  // token n whose decoded prefix tokens[0..n) contains "abba", and the text is that prefix's text up to
  // the first "abba".
  const auto prompts = make_prompts(5);
  auto s = sampling();
  s.eos_token_ids.clear();
  s.stop_token_ids.clear();
  s.max_new_tokens = 30;
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, with_slots(3, 5), pieces);
  auto with_stop = s;
  with_stop.stop_strings = {"abba", "zzz"};
  const auto r = engine.generate(prompts, 3, with_stop);
  int stopped = 0;
  for (const auto& c : r.completions) {
    const auto ref = decode_alone(fake, prompts[c.prompt_index], c.prompt_index, c.sample_index, s, 30);
    size_t n = 1;
    while (n <= ref.ids.size() && pieces(std::span(ref.ids.data(), n)).find("abba") == std::string::npos) ++n;
    if (n > ref.ids.size()) {
      EXPECT_EQ(c.token_ids, ref.ids);
      EXPECT_EQ(c.finish_reason, FinishReason::kLength);
      EXPECT_EQ(c.text, pieces(ref.ids));
      continue;
    }
    ++stopped;
    EXPECT_EQ(c.token_ids, std::vector<TokenId>(ref.ids.begin(), ref.ids.begin() + n));
    EXPECT_EQ(c.logprobs.size(), n);
    EXPECT_EQ(c.finish_reason, FinishReason::kStop);
    EXPECT_EQ(c.stop_string, "abba");
    const std::string full = pieces(std::span(ref.ids.data(), n));
    EXPECT_EQ(c.text, full.substr(0, full.find("abba")));
  }
  EXPECT_GT(stopped, 0);
}

TEST(RolloutEngine, StopTokenIsKeptInIdsButNotInText) {
  auto s = sampling();
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, with_slots(4, 1), pieces);
  int checked = 0;
  for (const auto& c : engine.generate(make_prompts(6), 3, s).completions) {
    if (c.finish_reason != FinishReason::kStop) continue;
    ++checked;
    EXPECT_EQ(c.stop_token, c.token_ids.back());
    EXPECT_EQ(c.text, pieces(std::span(c.token_ids.data(), c.token_ids.size() - 1)));
  }
  EXPECT_GT(checked, 0);
}

TEST(RolloutEngine, SlotCapacityCapsTheLength) {
  auto s = sampling();
  s.eos_token_ids.clear();
  s.stop_token_ids.clear();
  s.max_new_tokens = 50;
  EngineOptions o = with_slots(2, 3);
  o.cache.slot_capacity = 12;
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, o);
  const std::vector<std::vector<TokenId>> prompts = {{1, 2, 3, 4, 5}, {6, 7}};
  const auto r = engine.generate(prompts, 2, s);
  for (const auto& c : r.completions) {
    EXPECT_EQ(static_cast<int64_t>(c.token_ids.size()), 12 - static_cast<int64_t>(prompts[c.prompt_index].size()));
    EXPECT_EQ(c.finish_reason, FinishReason::kLength);
  }
}

TEST(RolloutEngine, ReleasesTheCacheAndTakesItBack) {
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, with_slots(3, 1));
  engine.generate(make_prompts(2), 2, sampling());
  EXPECT_EQ(fake.num_slots(), 0);
  engine.generate(make_prompts(2), 2, sampling());
  EXPECT_EQ(fake.reserves_, 2);
}

TEST(RolloutEngine, BadPromptsNameTheirIndex) {
  FakeDecoder fake(kVocab);
  EngineOptions o = with_slots(2, 1);
  o.cache.slot_capacity = 8;
  RolloutEngine engine(fake, o);
  auto expect_error = [&](const std::vector<std::vector<TokenId>>& prompts, const std::string& needle) {
    try {
      engine.generate(prompts, 1, sampling());
      FAIL() << "no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error({{1, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}, "prompt 1 has 9 tokens");
  expect_error({{1, 2}, {3}, {}}, "prompt 2 is empty");
  expect_error({{1, kVocab}}, "prompt 0 token 1 is id 24");
  auto bad = sampling();
  bad.top_p = 2;
  EXPECT_THROW(engine.generate({{1}}, 1, bad), Error);
  EXPECT_THROW(RolloutEngine(fake, with_slots(1, 0)), Error);
}

TEST(RolloutEngine, StopStringsWithoutDetokenizerAreAnError) {
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, with_slots(2, 1));
  auto s = sampling();
  s.stop_strings = {"x"};
  EXPECT_THROW(engine.generate({{1, 2}}, 1, s), Error);
}

TEST(RolloutEngine, ReportsProgress) {
  FakeDecoder fake(kVocab);
  RolloutEngine engine(fake, with_slots(3, 2));
  int64_t last = -1, calls = 0;
  engine.generate(make_prompts(4), 2, sampling(), [&](int64_t done, int64_t total) {
    EXPECT_EQ(total, 8);
    EXPECT_GE(done, last);
    last = done;
    ++calls;
  });
  EXPECT_EQ(last, 8);
  EXPECT_GT(calls, 1);
}

}  // namespace
}  // namespace grpo

namespace grpo {
namespace {

TEST(RolloutEngineCuda, MatchesOneAtATimeOnDevice) {
  GRPO_REQUIRE_CUDA();
  // Same fake logits handed back on the GPU: the noise is bit-identical across devices, so the CUDA
  // run must reproduce the CPU one-at-a-time oracle (the sampler ops all run on the device).
  const auto prompts = make_prompts(9);
  const auto s = sampling();
  FakeDecoder fake(kVocab, c10::Device(c10::kCUDA, 0));
  RolloutEngine engine(fake, with_slots(5, 3));
  expect_matches_reference(fake, engine.generate(prompts, 4, s), prompts, 4, s);
}

}  // namespace
}  // namespace grpo

namespace grpo {
namespace {

// A decoder that costs nothing: row `slot` of a fixed [slots, V] logits table, on the GPU. Timing the
// engine with it measures the engine and sampler overhead per decode step, without a model.
class TableDecoder : public Decoder {
 public:
  TableDecoder(int64_t vocab, c10::Device d) : vocab_(vocab), device_(d) {}
  int64_t vocab_size() const override { return vocab_; }
  c10::Device device() const override { return device_; }
  void reserve_cache(int64_t slots, int64_t capacity) override {
    table_ = torch::randn({slots, vocab_}, torch::device(device_)), capacity_ = capacity;
  }
  void release_cache() override { table_ = at::Tensor(); }
  int64_t num_slots() const override { return table_.defined() ? table_.size(0) : 0; }
  int64_t slot_capacity() const override { return capacity_; }
  int64_t cache_bytes_per_position() const override { return 1; }
  at::Tensor forward_cached(const at::Tensor&, const std::vector<int64_t>& slots, const std::vector<int64_t>&,
                            const std::vector<int64_t>&) override {
    return table_.index_select(0, torch::tensor(slots, torch::kLong).to(device_, true));
  }
  void copy_slot_prefix(int64_t, const std::vector<int64_t>&, int64_t) override {}

 private:
  int64_t vocab_, capacity_ = 0;
  c10::Device device_;
  at::Tensor table_;
};

TEST(RolloutEngineCuda, OverheadPerStep) {
  GRPO_REQUIRE_CUDA();
  const int64_t V = 151936, new_tokens = 128;
  for (int64_t B : {64, 256}) {
    for (int64_t interval : {1, 8}) {
      TableDecoder dec(V, c10::Device(c10::kCUDA, 0));
      RolloutEngine engine(dec, with_slots(B, interval));
      SamplingParams s;
      s.max_new_tokens = new_tokens;
      s.ignore_eos = true;
      const std::vector<std::vector<TokenId>> prompts(B, std::vector<TokenId>(16, 1));
      engine.generate(prompts, 1, s);   // warm-up
      const auto r = engine.generate(prompts, 1, s);
      ASSERT_EQ(r.stats.generated_tokens, B * new_tokens);
      std::printf("engine overhead B=%ld sync_interval=%ld: %.3f ms/step (decode %.3f, sync %.3f), %.0f tok/s\n",
                  static_cast<long>(B), static_cast<long>(interval), 1e3 * r.stats.wall_s / new_tokens,
                  1e3 * r.stats.decode_s / new_tokens, 1e3 * r.stats.sync_s / new_tokens, r.stats.tokens_per_s());
    }
  }
}

}  // namespace
}  // namespace grpo
