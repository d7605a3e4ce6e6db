// One rollout as a loop of  admit until the free slots are full (prefill / prefix copy + first token)
// ->  k decode steps on the device  ->  queue the copy of their tokens to the host  ->  stop checks on
// the previous interval's tokens (finished slots freed)  ->  drop finished rows from the batch. The host
// reads interval i's tokens while the device runs interval i+1, so the device never idles at a sync;
// the price is that a finished row runs up to 2k-1 extra steps, whose tokens are dropped. The
// per-rollout state lives in RolloutRun; the engine object only holds the decoder and options.
#include "rollout/engine.h"

#include <torch/torch.h>

#include <c10/core/Event.h>
#include <c10/core/impl/VirtualGuardImpl.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "rollout/gumbel_noise.h"
#include "rollout/sampler.h"
#include "rollout/scheduler.h"
#include "src/tensor/host_to_device.h"
#include "src/util/error.h"
#include "src/util/log.h"
#include "src/util/timer.h"

namespace grpo {
namespace {

using Clock = std::chrono::steady_clock;

struct Live {             // one sequence from admission to finish (rows of the device batch point here)
  int64_t slot = 0;
  int64_t cached = 0;     // positions of its slot holding K/V (prompt + tokens fed back)
  int64_t max_new = 0;    // max_new_tokens capped by the slot capacity
  int64_t issued = 0;     // tokens drawn so far, synced or still on the device
  bool done = false;
  Completion out;
};

struct Record {           // tokens drawn by one sampling call: row i belongs to rows[i]
  std::vector<Live*> rows;
  at::Tensor tokens, logprobs;
};

// One interval's tokens on their way to the host: on CUDA a copy into pinned memory queued behind
// the interval's steps, and an event that completes with it.
struct InFlight {
  std::vector<Record> records;
  at::Tensor tokens, logprobs;   // host int32 / fp32, in record order
  std::unique_ptr<c10::Event> ready;
};

void check_requests(const std::vector<RolloutRequest>& requests, int64_t vocab) {
  for (size_t p = 0; p < requests.size(); ++p) {
    const auto& r = requests[p];
    if (r.prompt.empty()) fail("rollout: prompt {} is empty. HINT: every prompt needs at least one token", p);
    if (r.num_samples < 1) fail("rollout: prompt {} asks for {} samples; at least 1 is needed", p, r.num_samples);
    for (size_t i = 0; i < r.prompt.size(); ++i)
      if (r.prompt[i] < 0 || r.prompt[i] >= vocab)
        fail("rollout: prompt {} token {} is id {}, outside the vocabulary [0, {}). HINT: tokenize with the "
             "model's own tokenizer", p, i, r.prompt[i], vocab);
    r.params.validate(fmt::format("rollout: prompt {}", p));
  }
}

class RolloutRun {
 public:
  RolloutRun(Decoder& d, const EngineOptions& o, const Detokenizer& detok, const std::vector<RolloutRequest>& reqs)
      : dec_(d), opt_(o), detok_(detok), req_(reqs), start_(Clock::now()) {}

  RolloutResult run(const ProgressFn& progress);

 private:
  bool admit();
  at::Tensor first_token_logits(const std::vector<GroupChunk>& chunks);
  void decode_steps(int64_t k);
  InFlight start_transfer();
  void process(InFlight& batch);
  void compact();
  bool accept(Live& s, TokenId token, float logprob);   // true when s finishes with this token
  void finish(Live& s, FinishReason why);
  int64_t steps_until_sync() const;

  Decoder& dec_;
  const EngineOptions& opt_;
  const Detokenizer& detok_;
  const std::vector<RolloutRequest>& req_;
  Clock::time_point start_;
  std::optional<Scheduler> sched_;
  std::vector<std::optional<StopStringMatcher>> matchers_;
  std::vector<int64_t> prompt_lengths_;
  std::map<int64_t, at::Tensor> first_logits_;  // [V] of prompts with samples still queued
  std::deque<Live> admitted_;   // every sequence admitted so far (a deque: pointers stay valid)
  std::vector<Live*> live_;     // the device batch: row i is live_[i]
  at::Tensor cur_tokens_;   // [B] int64 on device: each row's last drawn token, not yet in the cache
  SamplerRows rows_;
  std::vector<Record> records_;
  RolloutResult result_;
};

RolloutResult RolloutRun::run(const ProgressFn& progress) {
  const int64_t V = dec_.vocab_size();
  check_requests(req_, V);
  int64_t longest = 0, total = 0;
  std::vector<int64_t> samples;
  for (const auto& r : req_) {
    prompt_lengths_.push_back(static_cast<int64_t>(r.prompt.size()));
    longest = std::max<int64_t>(longest, prompt_lengths_.back() + r.params.max_new_tokens);
    samples.push_back(r.num_samples);
    total += r.num_samples;
    matchers_.emplace_back();
    if (!r.params.stop_strings.empty()) matchers_.back().emplace(r.params.stop_strings, detok_);
  }
  const CachePlan plan = plan_cache(opt_.cache, longest, total, dec_.cache_bytes_per_position());
  for (size_t p = 0; p < req_.size(); ++p)
    if (prompt_lengths_[p] >= plan.capacity)
      fail("rollout: prompt {} has {} tokens but a KV slot holds {} positions, leaving no room for a new token. "
           "HINT: shorten the prompt or raise the slot capacity", p, prompt_lengths_[p], plan.capacity);
  for (size_t p = 0; p < req_.size(); ++p)
    if (prompt_lengths_[p] + req_[p].params.max_new_tokens > plan.capacity) {
      log_warn("rollout: prompt {} ({} tokens) + max_new_tokens {} exceeds the slot capacity {}; its completions "
               "end with \"length\" at {} tokens", p, prompt_lengths_[p], req_[p].params.max_new_tokens,
               plan.capacity, plan.capacity - prompt_lengths_[p]);
      break;
    }
  if (dec_.num_slots() != plan.slots || dec_.slot_capacity() != plan.capacity) dec_.reserve_cache(plan.slots, plan.capacity);
  result_.stats.slots = plan.slots;
  result_.stats.slot_capacity = plan.capacity;
  sched_.emplace(samples, plan.slots);
  result_.completions.reserve(total);

  torch::NoGradGuard no_grad;
  InFlight in_flight;
  while (!sched_->all_admitted() || !live_.empty() || !in_flight.records.empty()) {
    // Fill every free slot before decoding, in prefill forwards of at most max_prefill_tokens each: the
    // decode steps then run at the full batch (one CUDA-graph bucket) rather than growing chunk by chunk.
    while (admit()) {
    }
    decode_steps(steps_until_sync());
    InFlight next = start_transfer();
    process(in_flight);   // the previous interval, while this one runs on the device
    in_flight = std::move(next);
    compact();
    if (progress) progress(static_cast<int64_t>(result_.completions.size()), total);
  }
  if (opt_.release_cache) dec_.release_cache();
  std::sort(result_.completions.begin(), result_.completions.end(), [](const Completion& a, const Completion& b) {
    return std::tie(a.prompt_index, a.sample_index) < std::tie(b.prompt_index, b.sample_index);
  });
  result_.stats.wall_s = seconds_since(start_);
  return std::move(result_);
}

// Logits [n, V] of the prompt's last position for every admitted sample (rows in chunk order). New
// prompts are prefilled together in one packed forward; a prompt with samples still queued keeps its
// row so that later samples draw their first token from the same logits without a second prefill.
at::Tensor RolloutRun::first_token_logits(const std::vector<GroupChunk>& chunks) {
  std::vector<int64_t> ids, slots, starts, counts;
  for (const auto& c : chunks) {
    if (!c.needs_prefill() || first_logits_.count(c.prompt)) continue;
    const auto& prompt = req_[c.prompt].prompt;
    ids.insert(ids.end(), prompt.begin(), prompt.end());
    slots.push_back(c.slots.front());
    starts.push_back(0);
    counts.push_back(static_cast<int64_t>(prompt.size()));
  }
  std::map<int64_t, at::Tensor> fresh;
  if (!slots.empty()) {
    const auto input = host_to_device(ids, torch::kLong, dec_.device());
    const auto logits = dec_.forward_cached(input, slots, starts, counts);   // [P, V]
    result_.stats.prefill_tokens += static_cast<int64_t>(ids.size());
    ++result_.stats.prefill_calls;
    int64_t row = 0;
    for (const auto& c : chunks)
      if (c.needs_prefill() && !first_logits_.count(c.prompt)) fresh[c.prompt] = logits[row++];
  }
  std::vector<at::Tensor> rows;
  for (const auto& c : chunks) {
    const bool is_fresh = fresh.count(c.prompt) > 0;
    const at::Tensor& l = is_fresh ? fresh[c.prompt] : first_logits_.at(c.prompt);
    if (c.needs_prefill() && !is_fresh) {
      // Every sibling finished before the rest of the group got a slot: rebuild the KV (the logits
      // kept from the first prefill still decide the first token).
      const auto& prompt = req_[c.prompt].prompt;
      dec_.forward_cached(host_to_device(std::vector<int64_t>(prompt.begin(), prompt.end()), torch::kLong, dec_.device()),
                          {c.slots.front()}, {0}, {static_cast<int64_t>(prompt.size())});
      result_.stats.prefill_tokens += static_cast<int64_t>(prompt.size());
    }
    const int64_t src = c.needs_prefill() ? c.slots.front() : c.source_slot;
    std::vector<int64_t> dst;
    for (int64_t s : c.slots)
      if (s != src) dst.push_back(s);
    if (!dst.empty()) dec_.copy_slot_prefix(src, dst, prompt_lengths_[c.prompt]);
    rows.push_back(l.unsqueeze(0).expand({static_cast<int64_t>(c.slots.size()), -1}));
    if (sched_->prompt_admitted(c.prompt)) first_logits_.erase(c.prompt);
    else first_logits_[c.prompt] = l;
  }
  return torch::cat(rows);
}

bool RolloutRun::admit() {
  const auto chunks = sched_->admit(prompt_lengths_, opt_.max_prefill_tokens);
  if (chunks.empty()) return false;
  const auto t0 = Clock::now();
  const at::Tensor logits = first_token_logits(chunks);
  std::vector<const SamplingParams*> params;
  std::vector<NoiseKey> keys;
  std::vector<Live*> fresh_rows;
  for (const auto& c : chunks) {
    const auto& r = req_[c.prompt];
    for (size_t i = 0; i < c.samples.size(); ++i) {
      Live& s = admitted_.emplace_back();
      s.slot = c.slots[i];
      s.cached = prompt_lengths_[c.prompt];
      s.max_new = std::min(r.params.max_new_tokens, result_.stats.slot_capacity - s.cached);
      s.issued = 1;
      s.out.prompt_index = c.prompt;
      s.out.sample_index = c.samples[i];
      s.out.first_token_s = seconds_since(start_);
      live_.push_back(&s);
      fresh_rows.push_back(&s);
      params.push_back(&r.params);
      keys.push_back(sequence_noise_key(r.params.seed, c.prompt, c.samples[i]));
      result_.stats.prompt_tokens += prompt_lengths_[c.prompt];
    }
  }
  SamplerRows fresh = make_sampler_rows(params, keys, std::vector<int64_t>(params.size(), 0), dec_.vocab_size(),
                                        dec_.device());
  const SampledTokens drawn = sample_tokens(logits, fresh);
  advance_steps(fresh);
  records_.push_back(Record{std::move(fresh_rows), drawn.tokens, drawn.logprobs});
  cur_tokens_ = cur_tokens_.defined() ? torch::cat({cur_tokens_, drawn.tokens}) : drawn.tokens;
  rows_ = concat_rows(rows_, fresh);
  result_.stats.prefill_s += seconds_since(t0);
  return true;
}

// Every live row can take k more tokens without passing its max_new (and so its slot capacity).
int64_t RolloutRun::steps_until_sync() const {
  int64_t k = std::max<int64_t>(opt_.sync_interval, 1);
  for (const Live* s : live_) k = std::min(k, s->max_new - s->issued);
  return std::max<int64_t>(k, 0);
}

void RolloutRun::decode_steps(int64_t k) {
  if (k == 0 || live_.empty()) return;
  const auto t0 = Clock::now();
  std::vector<int64_t> slots, starts;
  const std::vector<int64_t> counts(live_.size(), 1);
  for (const Live* s : live_) slots.push_back(s->slot);
  for (int64_t step = 0; step < k; ++step) {
    starts.clear();
    for (Live* s : live_) starts.push_back(s->cached++);
    const at::Tensor logits = dec_.forward_cached(cur_tokens_, slots, starts, counts);   // [B, V]
    const SampledTokens drawn = sample_tokens(logits, rows_);
    advance_steps(rows_);
    for (Live* s : live_) ++s->issued;
    records_.push_back(Record{live_, drawn.tokens, drawn.logprobs});
    cur_tokens_ = drawn.tokens;
    ++result_.stats.decode_steps;
  }
  result_.stats.decode_s += seconds_since(t0);
}

void RolloutRun::finish(Live& s, FinishReason why) {
  s.done = true;
  Completion& c = s.out;
  c.finish_reason = why;
  c.finish_s = seconds_since(start_);
  const auto& matcher = matchers_[c.prompt_index];
  if (detok_) {
    const size_t n = c.token_ids.size() - (c.stop_token >= 0 ? 1 : 0);
    c.text = detok_(std::span<const TokenId>(c.token_ids.data(), n));
    if (matcher) {
      const auto m = matcher->first_match(c.text);
      if (m.index >= 0) {
        c.text.resize(m.position);
        if (why == FinishReason::kStop && c.stop_token < 0) c.stop_string = matcher->stops()[m.index];
      }
    }
  }
  result_.stats.generated_tokens += static_cast<int64_t>(c.token_ids.size());
  sched_->finish(c.prompt_index, s.slot);
  result_.completions.push_back(std::move(c));
}

bool RolloutRun::accept(Live& s, TokenId token, float logprob) {
  Completion& c = s.out;
  c.token_ids.push_back(token);
  c.logprobs.push_back(logprob);
  const SamplingParams& p = req_[c.prompt_index].params;
  const auto has = [token](const std::vector<TokenId>& ids) { return std::find(ids.begin(), ids.end(), token) != ids.end(); };
  if ((!p.ignore_eos && has(p.eos_token_ids)) || has(p.stop_token_ids)) {
    c.stop_token = token;
    finish(s, FinishReason::kStop);
  } else if (const auto& m = matchers_[c.prompt_index]; m && m->completed_by_last(c.token_ids)) {
    finish(s, FinishReason::kStop);
  } else if (static_cast<int64_t>(c.token_ids.size()) >= s.max_new) {
    finish(s, FinishReason::kLength);
  }
  return s.done;
}

// Everything drawn since the last transfer, as one copy to the host queued on the device's stream
// (the host does not wait for it here).
InFlight RolloutRun::start_transfer() {
  InFlight f;
  if (records_.empty()) return f;
  std::vector<at::Tensor> tok, lp;
  for (const auto& r : records_) {
    tok.push_back(r.tokens);
    lp.push_back(r.logprobs);
  }
  const auto tokens = torch::cat(tok).to(torch::kInt), logprobs = torch::cat(lp).to(torch::kFloat);
  const c10::Device device = tokens.device();
  if (device.is_cpu()) {
    f.tokens = tokens.contiguous();
    f.logprobs = logprobs.contiguous();
  } else {
    const auto pinned = [](const at::Tensor& t) {
      return torch::empty(t.sizes(), t.options().device(torch::kCPU).pinned_memory(true));
    };
    f.tokens = pinned(tokens).copy_(tokens, /*non_blocking=*/true);
    f.logprobs = pinned(logprobs).copy_(logprobs, /*non_blocking=*/true);
    f.ready = std::make_unique<c10::Event>(device.type());
    f.ready->record(c10::impl::VirtualGuardImpl(device.type()).getStream(device));
  }
  f.records = std::move(records_);
  records_.clear();
  return f;
}

// The stop checks of a transferred interval, in draw order. Tokens a row drew after it finished are
// dropped (its slot was already freed for the next admit).
void RolloutRun::process(InFlight& f) {
  if (f.records.empty()) return;
  const auto t0 = Clock::now();
  if (f.ready) f.ready->synchronize();
  const int32_t* t = f.tokens.data_ptr<int32_t>();
  const float* l = f.logprobs.data_ptr<float>();
  int64_t offset = 0;
  for (const auto& r : f.records) {
    for (size_t i = 0; i < r.rows.size(); ++i)
      if (!r.rows[i]->done) accept(*r.rows[i], t[offset + i], l[offset + i]);
    offset += static_cast<int64_t>(r.rows.size());
  }
  f.records.clear();
  result_.stats.sync_s += seconds_since(t0);
}

// Drops from the device batch the rows that finished and the rows that have drawn max_new tokens (their
// last tokens may still be in flight: they finish when process() reads them).
void RolloutRun::compact() {
  std::vector<int64_t> keep;
  for (size_t i = 0; i < live_.size(); ++i)
    if (!live_[i]->done && live_[i]->issued < live_[i]->max_new) keep.push_back(static_cast<int64_t>(i));
  if (keep.size() == live_.size()) return;
  std::vector<Live*> next;
  for (int64_t i : keep) next.push_back(live_[static_cast<size_t>(i)]);
  live_ = std::move(next);
  if (keep.empty()) {
    cur_tokens_ = at::Tensor();
    rows_ = SamplerRows{};
  } else {
    const auto index = host_to_device(keep, torch::kLong, dec_.device());
    cur_tokens_ = cur_tokens_.index_select(0, index);
    rows_ = select_rows(rows_, index);
  }
}

}  // namespace

RolloutEngine::RolloutEngine(Decoder& decoder, EngineOptions options, Detokenizer detokenize)
    : decoder_(decoder), options_(std::move(options)), detokenize_(std::move(detokenize)) {
  if (options_.sync_interval < 1) fail("rollout: sync_interval {} must be >= 1", options_.sync_interval);
  if (options_.max_prefill_tokens < 1) fail("rollout: max_prefill_tokens {} must be >= 1", options_.max_prefill_tokens);
}

RolloutResult RolloutEngine::generate(const std::vector<RolloutRequest>& requests, const ProgressFn& progress) {
  if (requests.empty()) return {};
  RolloutRun run(decoder_, options_, detokenize_, requests);
  return run.run(progress);
}

RolloutResult RolloutEngine::generate(const std::vector<std::vector<TokenId>>& prompts, int64_t num_samples,
                                      const SamplingParams& params, const ProgressFn& progress) {
  std::vector<RolloutRequest> requests;
  for (const auto& p : prompts) requests.push_back(RolloutRequest{p, num_samples, params});
  return generate(requests, progress);
}

}  // namespace grpo
