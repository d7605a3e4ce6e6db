#include "trainer/grpo_trainer.h"

#include <torch/torch.h>

#include <chrono>

#include "rewards/builtin.h"
#include "rollout/model_decoder.h"
#include "src/config/config.h"
#include "src/metrics/progress.h"
#include "src/model/checkpoint_load.h"
#include "src/model/checkpoint_save.h"
#include "src/tensor/device.h"
#include "src/util/error.h"
#include "src/util/log.h"
#include "src/util/timer.h"
#include "trainer/grpo_batch.h"
#include "trainer/grpo_metrics.h"
#include "trainer/grpo_update.h"
#include "trainer/training_run.h"

namespace grpo {
namespace {

constexpr const char* kReferenceFolder = "reference";  // in a checkpoint, once the reference was refreshed
constexpr const char* kRefRefreshedAt = "ref_refreshed_at";

// Per-rollout sampling seed: a function of the run seed, the rollout index and the dynamic-sampling
// round only (SplitMix64 finaliser), so that a resumed run samples what the killed one would have.
uint64_t rollout_seed(uint64_t run_seed, int64_t rollout, int64_t round) {
  uint64_t z = run_seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(rollout) * 0xBF58476D1CE4E5B9ull +
               static_cast<uint64_t>(round) * 0x94D049BB133111EBull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

struct GrpoTrainer::State {
  GrpoConfig cfg;
  ConfigNode rewards_node;
  RewardRegistry registry;
  std::unique_ptr<RewardSet> rewards;
  std::unique_ptr<TrainingRun> run;
  PromptDataset dataset;
  std::unique_ptr<PromptTemplate> prompt_template;
  CausalLM reference{nullptr};
  std::unique_ptr<ModelDecoder> decoder;
  std::unique_ptr<RolloutEngine> engine;
  SamplingParams params;
  std::string samples_path;
};

GrpoTrainer::GrpoTrainer(LoadedGrpoConfig loaded) : s_(std::make_unique<State>()) {
  auto& s = *s_;
  s.cfg = std::move(loaded.config);
  s.rewards_node = loaded.rewards_node;
  const auto& cfg = s.cfg;
  const std::string yaml = dump_config(cfg);
  // Rewards first: a misconfigured reward should fail before minutes of model loading.
  add_builtin_rewards(s.registry);
  s.rewards = std::make_unique<RewardSet>(cfg.rewards, s.rewards_node, s.registry);
  s.run = std::make_unique<TrainingRun>(cfg.model, cfg.optim, cfg.run, yaml);
  const Tokenizer& tok = s.run->tokenizer();

  s.dataset = PromptDataset::load(cfg.data.path, cfg.data.prompt_field);
  s.prompt_template = std::make_unique<PromptTemplate>(PromptTemplate::create(cfg.data.prompt_template, &tok));
  const size_t dropped = s.dataset.filter([&](const PromptRow& r) {
    const PromptRow* one[] = {&r};
    return static_cast<int64_t>(render_prompts(one, *s.prompt_template, tok).ids[0].size()) <= cfg.data.max_prompt_tokens;
  });
  if (dropped > 0) log_info("data: dropped {} prompts longer than {} tokens", dropped, cfg.data.max_prompt_tokens);
  if (s.dataset.size() == 0)
    fail("{}: no prompts left after the length filter. HINT: raise data.max_prompt_tokens", cfg.data.path);
  s.dataset.set_position(s.run->state().data);
  log_info("data: {} prompts, {} per step x {} completions", s.dataset.size(), cfg.rollout.prompts_per_step(),
           cfg.rollout.num_generations);

  if (cfg.algorithm.beta > 0) {
    const auto& extra = s.run->state().extra;
    const bool refreshed = extra.value(kRefRefreshedAt, int64_t{0}) > 0;
    const std::string from = refreshed ? *s.run->resumed_from() + "/" + kReferenceFolder : cfg.model.path;
    s.reference = load_causal_lm(from, s.run->device(), c10::typeMetaToScalarType(s.run->model()->options().dtype()));
    s.reference->eval();
    for (auto& p : s.reference->parameters()) p.requires_grad_(false);
  }

  s.decoder = std::make_unique<ModelDecoder>(s.run->model(), cfg.rollout.cuda_graphs);
  EngineOptions engine_options;
  engine_options.sync_interval = cfg.rollout.sync_interval;
  engine_options.cache.budget_bytes = kv_budget_bytes(cfg.rollout.cache_gb, s.run->device().is_cuda());
  s.engine = std::make_unique<RolloutEngine>(*s.decoder, engine_options,
                                             [&tok](std::span<const TokenId> ids) { return tok.decode(ids); });
  s.params.temperature = static_cast<float>(cfg.rollout.temperature);
  s.params.top_p = static_cast<float>(cfg.rollout.top_p);
  s.params.top_k = cfg.rollout.top_k;
  s.params.min_p = static_cast<float>(cfg.rollout.min_p);
  s.params.max_new_tokens = cfg.rollout.max_new_tokens;
  s.params.stop_strings = cfg.rollout.stop;
  s.params.eos_token_ids = default_eos_ids(cfg.model.path, tok);
  s.params.validate("rollout");
  s.samples_path = cfg.run.output_dir + "/samples.jsonl";
  truncate_jsonl_after_step(s.samples_path, s.run->step());
}

GrpoTrainer::~GrpoTrainer() = default;

std::string GrpoTrainer::train() {
  auto& s = *s_;
  const auto& cfg = s.cfg;
  TrainingRun& run = *s.run;
  const int64_t B = cfg.rollout.prompts_per_step(), G = cfg.rollout.num_generations;
  const int64_t mu = cfg.algorithm.num_iterations;
  GrpoBatchOptions batch_opts;
  batch_opts.advantages.scale = parse_reward_scaling(cfg.algorithm.scale_rewards);
  batch_opts.advantages.leave_one_out = cfg.algorithm.leave_one_out;
  batch_opts.mask_truncated_completions = cfg.algorithm.mask_truncated_completions;
  GrpoUpdateOptions update_opts{cfg.algorithm, cfg.rollout.temperature, cfg.rollout.max_new_tokens,
                                cfg.run.micro_batch_tokens};
  std::string last_checkpoint = run.resumed_from().value_or("");
  if (run.step() >= cfg.run.steps) {
    log_info("train: {} steps already done in {}", run.step(), cfg.run.output_dir);
    return last_checkpoint;
  }
  ProgressBar bar("train", cfg.run.steps, "step", 30.0);
  bar.set(run.step());
  while (run.step() < cfg.run.steps) {
    const auto t_step = std::chrono::steady_clock::now();
    const int64_t rollout = run.step() / mu;
    GrpoStepTimes times;
    std::vector<ScoredGroup> kept, last_round;
    int64_t round = 0;
    // DAPO dynamic sampling (arXiv:2503.14476 Eq. 11): keep only groups with 0 < #correct < G, i.e.
    // rewards not all equal, and sample more prompts until B groups are kept or the rounds run out.
    while (true) {
      std::vector<const PromptRow*> rows;
      for (size_t i : s.dataset.next_batch(static_cast<size_t>(B), static_cast<uint64_t>(cfg.run.seed)))
        rows.push_back(&s.dataset.row(i));
      const PromptBatch prompts = render_prompts(rows, *s.prompt_template, run.tokenizer());
      SamplingParams params = s.params;
      params.seed = rollout_seed(static_cast<uint64_t>(cfg.run.seed), rollout, round);
      auto t0 = std::chrono::steady_clock::now();
      ScoredRollout scored;
      scored.rollout = s.engine->generate(prompts.ids, G, params, [&](int64_t done, int64_t total) {
        bar.set(run.step(), fmt::format("rollout {}/{}", done, total));
      });
      times.rollout_s += seconds_since(t0);
      times.generated_tokens += scored.rollout.stats.generated_tokens;
      t0 = std::chrono::steady_clock::now();
      scored.rewards = score_completions(*s.rewards, prompts, scored.rollout.completions);
      times.reward_s += seconds_since(t0);
      auto groups = make_groups(prompts, std::move(scored), G);
      if (round == 0) {
        const auto zero = std::count_if(groups.begin(), groups.end(), [](const auto& g) { return g.all_equal(); });
        times.first_round_frac_zero_std = static_cast<double>(zero) / static_cast<double>(groups.size());
      }
      ++round;
      if (!cfg.rollout.dynamic_sampling) {
        kept = std::move(groups);
        break;
      }
      for (auto& g : groups)
        if (!g.all_equal() && static_cast<int64_t>(kept.size()) < B) kept.push_back(std::move(g));
      last_round = std::move(groups);
      if (static_cast<int64_t>(kept.size()) >= B || round > cfg.rollout.max_sampling_rounds) break;
    }
    times.sampling_rounds = round;
    if (kept.empty()) {  // nothing informative even after the extra rounds: a zero-advantage step
      log_warn("step {}: every group's rewards are equal after {} rounds; training on a zero-signal batch",
               run.step() + 1, round);
      kept = std::move(last_round);
    }
    const GrpoBatch batch = make_grpo_batch(std::move(kept), batch_opts);
    const int64_t step_before = run.step();
    const auto update = grpo_update(run, s.reference ? s.reference.get() : nullptr, batch, update_opts);

    // R1-Zero replaced the reference with the current policy every 400 steps.
    const int64_t refresh = cfg.algorithm.ref_refresh_steps;
    if (refresh > 0 && step_before / refresh != run.step() / refresh) {
      torch::NoGradGuard no_grad;
      auto src = run.model()->parameters();
      auto dst = s.reference->parameters();
      for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
      run.state().extra[kRefRefreshedAt] = run.step();
      log_info("step {}: reference model refreshed from the policy", run.step());
    }
    run.state().data = s.dataset.position();
    times.step_s = seconds_since(t_step);
    const auto metrics = grpo_step_metrics(batch, *s.rewards, update, times, run.state().skipped_steps,
                                           cfg.algorithm.beta > 0);
    run.log(metrics);
    const int64_t done_rollouts = run.step() / mu;
    if (cfg.log.sample_every > 0 && (done_rollouts % cfg.log.sample_every == 0 || done_rollouts == 1))
      dump_samples(s.samples_path, run.step(), batch, *s.rewards, cfg.log.samples_prompts);
    double accuracy = std::nan(""), reward = 0;
    for (const auto& [k, v] : metrics) {
      if (k == "accuracy") accuracy = v;
      if (k == "reward") reward = v;
    }
    bar.set(run.step(), std::isnan(accuracy) ? fmt::format("reward {:.3f}", reward)
                                             : fmt::format("reward {:.3f} acc {:.2f}", reward, accuracy));
    const bool ref_saved = run.state().extra.value(kRefRefreshedAt, int64_t{0}) > 0;
    auto saved = run.maybe_save([&](const std::string& folder) {
      if (ref_saved) save_checkpoint(*s.reference, folder + "/" + kReferenceFolder);
    });
    if (saved) last_checkpoint = *saved;
  }
  return last_checkpoint;
}

}  // namespace grpo
