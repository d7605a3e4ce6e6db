// The SFT loop (see sft_trainer.h).
#include "trainer/sft_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>

#include "src/config/config.h"
#include "src/data/sft_dataset.h"
#include "src/metrics/progress.h"
#include "src/util/error.h"
#include "src/util/log.h"
#include "src/util/timer.h"
#include "trainer/training_run.h"

namespace grpo {
namespace {

// Token ids past the embedding would fail deep inside torch; say which file and why instead.
void check_vocab(const SftDataset& data, int64_t vocab_size, const std::string& path) {
  for (size_t i = 0; i < data.size(); ++i)
    for (int64_t id : data.example(i).tokens)
      if (id < 0 || id >= vocab_size)
        fail("{}: token id {} is outside the model's vocabulary ({} rows). HINT: model.tokenizer must be the "
             "model's own tokenizer",
             path, id, vocab_size);
}

int64_t kill_after_step() {
  const char* v = std::getenv("GRPO_SFT_KILL_AFTER_STEP");
  return v == nullptr ? -1 : std::atoll(v);
}

}  // namespace

SftStepStats sft_accumulate_gradients(CausalLMImpl& model, std::span<const TrainingSequence* const> sequences,
                                      int64_t micro_batch_tokens) {
  SftStepStats stats;
  std::vector<int64_t> lengths;
  for (const TrainingSequence* s : sequences) {
    lengths.push_back(static_cast<int64_t>(s->tokens.size()));
    stats.tokens += lengths.back();
    for (size_t i = 1; i < s->trained.size(); ++i) stats.trained_tokens += s->trained[i];
  }
  if (stats.trained_tokens == 0) fail("sft: a step without trained tokens (internal: the dataset drops such rows)");
  const double normaliser = static_cast<double>(stats.trained_tokens);
  const auto device = model.options().device();
  double nll_sum = 0.0;
  for (const auto& indices : plan_micro_batches(lengths, micro_batch_tokens)) {
    std::vector<const TrainingSequence*> group;
    for (size_t i : indices) group.push_back(sequences[i]);
    const PackedTraining mb = pack_for_training(group, device);
    const at::Tensor logp = model.token_logprobs(mb.batch, mb.targets, {}).logprobs;  // [T] fp32
    const at::Tensor nll = -(logp * mb.loss_mask).sum();
    (nll / normaliser).backward();
    nll_sum += nll.item<double>();
    ++stats.micro_batches;
  }
  stats.loss = nll_sum / normaliser;
  return stats;
}

std::string run_sft(SftConfig cfg) {
  auto tok = std::make_unique<Tokenizer>(Tokenizer::load(cfg.model.tokenizer_path()));
  SftDataset data = SftDataset::load(cfg.data.path, cfg.data.options(), *tok);
  const SftDataStats& ds = data.stats();
  log_info("sft: {} rows ({}): {} examples, {} tokens ({} trained); {} truncated to {} tokens, {} dropped (no trained "
           "token left)",
           ds.rows, ds.format, data.size(), ds.tokens, ds.trained_tokens, ds.truncated, cfg.data.max_seq_len,
           ds.dropped);
  if (cfg.data.epochs > 0) {
    cfg.run.steps = sft_total_steps(cfg, data.size());
    log_info("sft: data.epochs = {} x {} examples / {} per step -> run.steps = {}", cfg.data.epochs, data.size(),
             cfg.batch.examples_per_step, cfg.run.steps);
  }
  TrainingRun run(cfg.model, cfg.optim, cfg.run, dump_config(cfg), std::move(tok));  // loaded once, used by both
  check_vocab(data, run.model()->config().vocab_size, cfg.data.path);
  data.set_position(run.state().data);
  const int64_t kill_at = kill_after_step();
  const uint64_t seed = static_cast<uint64_t>(cfg.run.seed);
  std::optional<std::string> last = run.resumed_from();

  ProgressBar bar("sft", cfg.run.steps, "step");
  bar.set(run.step());
  while (run.step() < cfg.run.steps) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<size_t> rows = data.next_batch(static_cast<size_t>(cfg.batch.examples_per_step), seed);
    run.state().data = data.position();
    std::vector<TrainingSequence> seqs;
    seqs.reserve(rows.size());
    for (size_t r : rows) seqs.push_back(TrainingSequence{data.example(r).tokens, data.example(r).trained});
    std::vector<const TrainingSequence*> ptrs;
    for (const auto& s : seqs) ptrs.push_back(&s);

    const SftStepStats st = sft_accumulate_gradients(*run.model(), ptrs, cfg.run.micro_batch_tokens);
    const GradientUpdate u = run.apply_gradients();
    const double dt = seconds_since(t0);
    const int64_t num_tokens = run.state().extra.value("num_tokens", int64_t{0}) + st.tokens;
    run.state().extra["num_tokens"] = num_tokens;  // cumulative, as TRL's num_tokens; saved for resume
    run.log({{"loss", st.loss},
             {"grad_norm", u.grad_norm},
             {"learning_rate", u.lr},
             {"tokens_per_s", static_cast<double>(st.tokens) / std::max(dt, 1e-9)},
             {"num_tokens", static_cast<double>(num_tokens)}});
    if (run.step() == kill_at) std::raise(SIGKILL);
    if (auto saved = run.maybe_save()) last = saved;
    bar.set(run.step(), fmt::format("loss {:.4f} lr {:.2e}", st.loss, u.lr));
  }
  if (!last) last = run.save();
  return *last;
}

}  // namespace grpo
