// Shared flags and model loading of generate / eval / sample (see generation_setup.h).
#include "src/cli/generation_setup.h"

#include <torch/torch.h>

#include <algorithm>

#include "rewards/builtin.h"
#include "src/metrics/progress.h"
#include "src/model/checkpoint_load.h"
#include "src/tensor/device.h"
#include "src/util/error.h"
#include "src/util/log.h"

namespace grpo {
namespace {

std::string template_spec(const GenerationFlags& f, const Tokenizer& tok) {
  if (!f.prompt_template.empty()) return f.prompt_template;
  return tok.chat_template().empty() ? "{prompt}" : "chat";
}

SamplingParams sampling_params(const GenerationFlags& f, const Tokenizer& tok, const std::string& command) {
  SamplingParams p;
  p.temperature = f.temperature;
  p.top_p = f.top_p;
  p.top_k = f.top_k;
  p.min_p = f.min_p;
  p.max_new_tokens = f.max_new_tokens;
  p.seed = f.seed;
  p.greedy = f.greedy;
  p.ignore_eos = f.ignore_eos;
  p.stop_strings = f.stop;
  p.eos_token_ids = default_eos_ids(f.model, tok);
  p.validate("grpo " + command);
  return p;
}

}  // namespace

void add_generation_flags(CLI::App* sub, GenerationFlags& f) {
  sub->add_option("--model", f.model, "Hugging Face checkpoint directory")->required();
  sub->add_option("--tokenizer", f.tokenizer, "tokenizer directory or tokenizer.json (default: --model)");
  sub->add_option("--template", f.prompt_template,
                  "prompt template: r1_zero, chat, or text with {field}s (default: chat if the tokenizer has one)");
  sub->add_option("--max-new-tokens", f.max_new_tokens, "tokens per completion at most")->capture_default_str();
  sub->add_option("--temperature", f.temperature, "softmax temperature (0 = greedy)")->capture_default_str();
  sub->add_option("--top-p", f.top_p, "nucleus mass, 1 = off")->capture_default_str();
  sub->add_option("--top-k", f.top_k, "keep the k most likely tokens, 0 = off")->capture_default_str();
  sub->add_option("--min-p", f.min_p, "drop tokens below min_p x the top probability, 0 = off")->capture_default_str();
  sub->add_option("--seed", f.seed, "sampling seed (completions are a function of seed, prompt, sample)")
      ->capture_default_str();
  sub->add_option("--stop", f.stop, "stop string (repeatable); the text is cut before it");
  sub->add_flag("--greedy", f.greedy, "argmax decoding");
  sub->add_flag("--ignore-eos", f.ignore_eos, "do not stop at the end-of-sequence token");
  sub->add_option("--device", f.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  sub->add_option("--dtype", f.dtype, "auto (bf16 on CUDA, fp32 on CPU), fp32, bf16, fp16")->capture_default_str();
  sub->add_option("--cache-gb", f.cache_gb, "KV-cache budget in GiB (default 16 on CUDA, 4 on CPU)");
  sub->add_flag("--no-cuda-graphs", f.no_cuda_graphs, "decode with eager launches instead of CUDA graph replays");
  sub->add_option("--sync-interval", f.sync_interval, "decode steps between host syncs (results do not depend on it)")
      ->capture_default_str();
}

Generator::Generator(const GenerationFlags& f, const std::string& command)
    : command_(command),
      device_(resolve_device(f.device)),
      dtype_(resolve_dtype(f.dtype, device_)),
      tok_(Tokenizer::load(f.tokenizer.empty() ? f.model : f.tokenizer)),
      template_(PromptTemplate::create(template_spec(f, tok_), &tok_)),
      params_(sampling_params(f, tok_, command)),
      flags_(f) {}

RolloutEngine& Generator::engine() {
  if (engine_) return *engine_;
  decoder_ = std::make_unique<ModelDecoder>(load_causal_lm(flags_.model, device_, dtype_), !flags_.no_cuda_graphs);
  EngineOptions options;
  options.sync_interval = flags_.sync_interval;
  options.cache.budget_bytes = kv_budget_bytes(flags_.cache_gb, device_.is_cuda());
  engine_ = std::make_unique<RolloutEngine>(*decoder_, options,
                                            [this](std::span<const TokenId> ids) { return tok_.decode(ids); });
  return *engine_;
}

void Generator::log_start(size_t prompts, int64_t num_samples) const {
  log_info("{}: {} prompts x {} samples, max {} new tokens, {} on {}", command_, prompts, num_samples,
           params_.max_new_tokens, dtype_name(dtype_), device_.str());
}

void Generator::log_stats(const RolloutStats& s) const {
  log_info("{}: {} tokens in {:.2f} s ({:.0f} tok/s), {} slots x {} positions", command_, s.generated_tokens, s.wall_s,
           s.tokens_per_s(), s.slots, s.slot_capacity);
  log_debug("{}: host time in prefill {:.3f} s, decode {:.3f} s ({} steps), sync {:.3f} s", command_, s.prefill_s,
            s.decode_s, s.decode_steps, s.sync_s);
}

RolloutResult Generator::generate(const std::vector<std::vector<TokenId>>& prompts, int64_t num_samples) {
  RolloutEngine& rollout = engine();
  log_start(prompts.size(), num_samples);
  RolloutResult result;
  {
    ProgressBar bar(command_, static_cast<int64_t>(prompts.size()) * num_samples, "seq");
    result = rollout.generate(prompts, num_samples, params_, [&bar](int64_t done, int64_t) { bar.set(done); });
  }
  log_stats(result.stats);
  return result;
}

ScoredRollout Generator::sample_and_score(const RewardSet& rewards, const PromptBatch& prompts, int64_t num_samples) {
  RolloutEngine& rollout = engine();
  log_start(prompts.size(), num_samples);
  ScoredRollout out;
  {
    ProgressBar bar(command_, static_cast<int64_t>(prompts.size()) * num_samples, "seq");
    out = grpo::sample_and_score(rollout, rewards, prompts, num_samples, params_,
                                 [&bar](int64_t done, int64_t) { bar.set(done); });
  }
  log_stats(out.rollout.stats);
  return out;
}

std::unique_ptr<LoadedRewards> load_reward_functions(const std::string& path) {
  auto out = std::make_unique<LoadedRewards>();
  add_builtin_rewards(out->registry);
  const LoadedRewardsConfig cfg = load_rewards_config(path);
  out->set = std::make_unique<RewardSet>(cfg.config, cfg.node, out->registry);
  return out;
}

std::unique_ptr<PromptRows> load_prompt_rows(const std::string& path, int64_t limit) {
  auto out = std::make_unique<PromptRows>(PromptRows{PromptDataset::load(path, "prompt"), {}});
  if (limit < 0) fail("--limit: must be >= 0 (0 = every row), got {}", limit);
  const size_t n = limit > 0 ? std::min(out->dataset.size(), static_cast<size_t>(limit)) : out->dataset.size();
  for (size_t i = 0; i < n; ++i) out->rows.push_back(&out->dataset.row(i));
  return out;
}

}  // namespace grpo
