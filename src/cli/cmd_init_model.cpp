// `grpo init-model`: writes a randomly initialised Hugging Face checkpoint (HF's init: N(0,
// initializer_range) for matrices, zero biases, unit norms) for a named preset or a config.json.
// For tests and benchmarks; it never downloads anything.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "src/cli/commands.h"
#include "src/model/checkpoint_save.h"
#include "src/model/presets.h"
#include "src/tensor/device.h"
#include "src/util/error.h"
#include "src/util/log.h"

namespace grpo {
namespace {

struct InitModelArgs {
  std::string preset, config, out, dtype = "auto", tokenizer;
  uint64_t seed = 0;
  int64_t max_shard_bytes = 5'000'000'000;
};

c10::ScalarType config_dtype(const ModelConfig& c) {
  if (c.dtype == "float32") return c10::kFloat;
  if (c.dtype == "float16") return c10::kHalf;
  return c10::kBFloat16;
}

int run_init_model(const InitModelArgs& a) {
  if (a.preset.empty() == a.config.empty())
    fail("init-model: give exactly one of --preset and --config. HINT: presets: {}", fmt::join(model_preset_names(), ", "));
  ModelConfig config = a.preset.empty() ? load_model_config(a.config) : model_preset(a.preset);
  const auto dtype = a.dtype == "auto" ? config_dtype(config) : resolve_dtype(a.dtype, c10::Device(c10::kCPU));
  log_info("init-model: {} with {:.3f}B parameters, {}, seed {}", config.model_type, config.num_parameters() / 1e9,
           dtype_name(dtype), a.seed);
  CausalLM model(config, torch::TensorOptions().dtype(dtype));
  model->init_weights(a.seed);
  SaveOptions opts;
  opts.max_shard_bytes = a.max_shard_bytes;
  opts.tokenizer_dir = a.tokenizer;
  save_checkpoint(*model, a.out, opts);
  log_info("init-model: wrote {}", a.out);
  return 0;
}

}  // namespace

void add_init_model_command(CLI::App& app) {
  auto args = std::make_shared<InitModelArgs>();
  CLI::App* sub = app.add_subcommand("init-model", "Write a randomly initialised Hugging Face checkpoint");
  sub->add_option("--preset", args->preset, "architecture: " + fmt::format("{}", fmt::join(model_preset_names(), ", ")));
  sub->add_option("--config", args->config, "a Hugging Face config.json (or a directory holding one)");
  sub->add_option("--out", args->out, "output checkpoint directory (replaced atomically)")->required();
  sub->add_option("--seed", args->seed, "random seed")->capture_default_str();
  sub->add_option("--dtype", args->dtype, "stored dtype: auto (the config's), fp32, bf16, fp16")->capture_default_str();
  sub->add_option("--tokenizer", args->tokenizer, "directory whose tokenizer files are copied into the checkpoint");
  sub->add_option("--max-shard-bytes", args->max_shard_bytes, "largest safetensors shard")->capture_default_str();
  set_command_action(sub, [args] { return run_init_model(*args); });
}

}  // namespace grpo
