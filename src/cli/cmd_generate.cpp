// `grpo generate`: samples G completions per prompt with the rollout engine — the same code path the
// trainer uses. Input lines are {"prompt": "text"} (the prompt template is applied) or {"ids": [...]};
// one JSONL output line per completion: prompt_index, sample_index, text, ids, logprobs, finish_reason.
#include <torch/torch.h>

#include <cstdio>

#include "rollout/engine.h"
#include "rollout/model_decoder.h"
#include "src/cli/commands.h"
#include "trainer/scored_rollout.h"
#include "src/metrics/progress.h"
#include "src/model/checkpoint_load.h"
#include "src/tensor/device.h"
#include "src/tokenizer/prompt_template.h"
#include "src/tokenizer/tokenizer.h"
#include "src/util/error.h"
#include "src/util/fs.h"
#include "src/util/jsonl.h"
#include "src/util/log.h"

namespace grpo {
namespace {

struct GenerateArgs {
  std::string model, tokenizer, prompts, output = "-", prompt_template, device = "auto", dtype = "auto";
  int64_t n = 1, max_new_tokens = 256, top_k = 0, sync_interval = 4;
  float temperature = 1.0f, top_p = 1.0f, min_p = 0.0f;
  uint64_t seed = 0;
  bool greedy = false, ignore_eos = false;
  std::vector<std::string> stop;
  double cache_gb = 0;  // 0: 90% of free GPU memory on CUDA, 4 GiB on CPU
};

int run_generate(const GenerateArgs& a) {
  const auto device = resolve_device(a.device);
  const auto dtype = resolve_dtype(a.dtype, device);
  const Tokenizer tok = Tokenizer::load(a.tokenizer.empty() ? a.model : a.tokenizer);
  std::string spec = a.prompt_template;
  if (spec.empty()) spec = tok.chat_template().empty() ? "{prompt}" : "chat";
  const PromptTemplate prompt_template = PromptTemplate::create(spec, &tok);

  std::vector<std::vector<TokenId>> prompts;
  for_each_jsonl(a.prompts, [&](const JsonlRow& row) {
    if (row.value.contains("ids")) {
      prompts.push_back(json_field<std::vector<TokenId>>(row, "ids"));
    } else {
      json_field<std::string>(row, "prompt");  // located error when missing or not a string
      prompts.push_back(tok.encode(prompt_template.render(row.value, row.where())));
    }
    if (prompts.back().empty()) fail("{}: the prompt is empty after tokenization", row.where());
  });

  SamplingParams params;
  params.temperature = a.temperature;
  params.top_p = a.top_p;
  params.top_k = a.top_k;
  params.min_p = a.min_p;
  params.max_new_tokens = a.max_new_tokens;
  params.seed = a.seed;
  params.greedy = a.greedy;
  params.ignore_eos = a.ignore_eos;
  params.stop_strings = a.stop;
  params.eos_token_ids = default_eos_ids(a.model, tok);
  params.validate("grpo generate");

  ModelDecoder decoder(load_causal_lm(a.model, device, dtype));
  EngineOptions engine_options;
  engine_options.sync_interval = a.sync_interval;
  engine_options.cache.budget_bytes = a.cache_gb > 0 ? static_cast<int64_t>(a.cache_gb * (1ull << 30))
                                                     : (device.is_cuda() ? int64_t{16} << 30 : int64_t{4} << 30);
  RolloutEngine engine(decoder, engine_options, [&tok](std::span<const TokenId> ids) { return tok.decode(ids); });

  const int64_t total = static_cast<int64_t>(prompts.size()) * a.n;
  log_info("generate: {} prompts x {} samples, max {} new tokens, {} on {}", prompts.size(), a.n, a.max_new_tokens,
           dtype_name(dtype), device.str());
  RolloutResult result;
  {
    ProgressBar bar("generate", total, "seq");
    result = engine.generate(prompts, a.n, params, [&bar](int64_t done, int64_t) { bar.set(done); });
  }
  std::FILE* out = a.output == "-" ? stdout : std::fopen(a.output.c_str(), "w");
  if (out == nullptr) fail("{}: cannot create. HINT: check the --output path", a.output);
  for (const auto& c : result.completions)
    write_jsonl_line(out, Json{{"prompt_index", c.prompt_index},
                               {"sample_index", c.sample_index},
                               {"text", c.text},
                               {"ids", c.token_ids},
                               {"logprobs", c.logprobs},
                               {"finish_reason", std::string(finish_reason_name(c.finish_reason))}});
  if (out != stdout && std::fclose(out) != 0) fail("{}: write failed", a.output);
  log_info("generate: {} tokens in {:.2f} s ({:.0f} tok/s), {} slots x {} positions", result.stats.generated_tokens,
           result.stats.wall_s, result.stats.tokens_per_s(), result.stats.slots, result.stats.slot_capacity);
  return 0;
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto a = std::make_shared<GenerateArgs>();
  CLI::App* sub = app.add_subcommand("generate", "Sample G completions per prompt (JSONL in, JSONL out)");
  sub->add_option("--model", a->model, "Hugging Face checkpoint directory")->required();
  sub->add_option("--tokenizer", a->tokenizer, "tokenizer directory or tokenizer.json (default: --model)");
  sub->add_option("--prompts", a->prompts, "JSONL: {\"prompt\": text} or {\"ids\": [...]} per line; - for stdin")
      ->required();
  sub->add_option("--output", a->output, "JSONL output, one line per completion")->capture_default_str();
  sub->add_option("--n", a->n, "completions per prompt (G)")->capture_default_str();
  sub->add_option("--max-new-tokens", a->max_new_tokens, "tokens per completion at most")->capture_default_str();
  sub->add_option("--temperature", a->temperature, "softmax temperature (0 = greedy)")->capture_default_str();
  sub->add_option("--top-p", a->top_p, "nucleus mass, 1 = off")->capture_default_str();
  sub->add_option("--top-k", a->top_k, "keep the k most likely tokens, 0 = off")->capture_default_str();
  sub->add_option("--min-p", a->min_p, "drop tokens below min_p x the top probability, 0 = off")->capture_default_str();
  sub->add_option("--seed", a->seed, "sampling seed (completions are a function of seed, prompt, sample)")
      ->capture_default_str();
  sub->add_option("--stop", a->stop, "stop string (repeatable); the text is cut before it");
  sub->add_option("--template", a->prompt_template,
                  "prompt template: r1_zero, chat, or text with {field}s (default: chat if the tokenizer has one)");
  sub->add_flag("--greedy", a->greedy, "argmax decoding");
  sub->add_flag("--ignore-eos", a->ignore_eos, "do not stop at the end-of-sequence token");
  sub->add_option("--device", a->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  sub->add_option("--dtype", a->dtype, "auto (bf16 on CUDA, fp32 on CPU), fp32, bf16, fp16")->capture_default_str();
  sub->add_option("--cache-gb", a->cache_gb, "KV-cache budget in GiB (default 16 on CUDA, 4 on CPU)");
  sub->add_option("--sync-interval", a->sync_interval, "decode steps between host syncs (results do not depend on it)")
      ->capture_default_str();
  set_command_action(sub, [a] { return run_generate(*a); });
}

}  // namespace grpo
