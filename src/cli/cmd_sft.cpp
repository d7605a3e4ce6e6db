// `grpo sft --config X.yaml [key=value ...]`: supervised fine-tuning (prompt/completion, chat
// messages) or plain-text pre-training of a Hugging Face checkpoint, resuming the run folder's latest
// checkpoint when there is one. The loop is trainer/sft_trainer.h; this file only parses and prints.
#include <cstdio>

#include "src/cli/commands.h"
#include "src/config/config.h"
#include "src/util/log.h"
#include "trainer/sft_config.h"
#include "trainer/sft_trainer.h"

namespace grpo {
namespace {

struct SftArgs {
  std::string config;
  std::vector<std::string> overrides;
  bool print_config = false;
};

int run_sft_command(const SftArgs& a) {
  const SftConfig cfg = load_config<SftConfig>(a.config, a.overrides);
  const std::string yaml = dump_config(cfg);
  if (a.print_config) {
    std::fputs(yaml.c_str(), stdout);
    return 0;
  }
  log_info("sft: resolved config:\n{}", yaml);
  const std::string folder = run_sft(cfg);
  log_info("sft: done; model in {}", folder);
  return 0;
}

}  // namespace

void add_sft_command(CLI::App& app) {
  auto a = std::make_shared<SftArgs>();
  CLI::App* sub = app.add_subcommand("sft", "Supervised fine-tuning / text pre-training (YAML config + key=value overrides)");
  sub->add_option("--config", a->config, "YAML config (see configs/sft.yaml)")->required();
  sub->add_option("overrides", a->overrides, "dotted overrides, e.g. optim.lr=2e-5 run.output_dir=runs/x");
  sub->add_flag("--print-config", a->print_config, "print the resolved config and exit");
  set_command_action(sub, [a] { return run_sft_command(*a); });
}

}  // namespace grpo
