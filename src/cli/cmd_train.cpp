// `grpo train --config X.yaml [key=value ...]`: GRPO training (trainer/grpo_trainer.h). Overrides use
// dotted keys (`optim.lr=1e-6 rollout.num_generations=16`); --print-config shows the resolved config
// and exits; --config-reference prints the Markdown table of every key (docs/config.md).
#include <cstdio>

#include "src/cli/commands.h"
#include "src/config/config.h"
#include "src/util/error.h"
#include "trainer/grpo_trainer.h"

namespace grpo {
namespace {

struct TrainArgs {
  std::string config;
  std::vector<std::string> overrides;
  bool print_config = false, reference = false;
};

int run_train(const TrainArgs& a) {
  if (a.reference) {
    std::fputs(config_reference_markdown(describe_config<GrpoConfig>()).c_str(), stdout);
    return 0;
  }
  if (a.config.empty()) fail("grpo train: --config is required. HINT: grpo train --config configs/tiny_cpu.yaml");
  auto loaded = load_grpo_config(a.config, a.overrides);
  if (a.print_config) {
    std::fputs(dump_config(loaded.config).c_str(), stdout);
    return 0;
  }
  std::fprintf(stderr, "resolved config (%s):\n%s\n", a.config.c_str(), dump_config(loaded.config).c_str());
  GrpoTrainer trainer(std::move(loaded));
  const std::string last = trainer.train();
  std::printf("final checkpoint: %s\n", last.c_str());
  return 0;
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  CLI::App* sub = app.add_subcommand("train", "GRPO training from a YAML config (R1-Zero style)");
  sub->add_option("--config", a->config, "YAML recipe (configs/*.yaml)");
  sub->add_option("overrides", a->overrides, "key=value overrides of config keys, e.g. optim.lr=1e-6");
  sub->add_flag("--print-config", a->print_config, "print the resolved config and exit");
  sub->add_flag("--config-reference", a->reference, "print every config key as a Markdown table and exit");
  set_command_action(sub, [a] { return run_train(*a); });
}

}  // namespace grpo
