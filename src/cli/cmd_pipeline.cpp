// `grpo pipeline --config configs/r1.yaml [--from-stage S | --only-stage S] [--dry-run] [key=value ...]`:
// multi-stage recipes (src/pipeline/). Re-running the same command skips finished stages and resumes
// an interrupted one.
#include <cstdio>

#include "src/cli/commands.h"
#include "src/pipeline/pipeline_runner.h"
#include "src/util/error.h"

namespace grpo {
namespace {

struct PipelineArgs {
  std::string config;
  std::vector<std::string> overrides;
  PipelineOptions options;
};

int run_pipeline_command(const PipelineArgs& a) {
  if (!a.options.from_stage.empty() && !a.options.only_stage.empty())
    fail("grpo pipeline: --from-stage and --only-stage exclude each other");
  const PipelineConfig config = load_pipeline_config(a.config, a.overrides);
  const auto outcomes = run_pipeline(config, a.options);
  std::printf("%-24s %-7s %-8s %s\n", "stage", "kind", "status", "output");
  for (const auto& o : outcomes)
    std::printf("%-24s %-7s %-8s %s\n", o.name.c_str(), o.kind.c_str(), o.ran ? (a.options.dry_run ? "planned" : "ran") : "skipped", o.output.c_str());
  return 0;
}

}  // namespace

void add_pipeline_command(CLI::App& app) {
  auto a = std::make_shared<PipelineArgs>();
  CLI::App* sub = app.add_subcommand("pipeline", "Multi-stage recipes (the DeepSeek-R1 pipeline, distillation)");
  sub->add_option("--config", a->config, "pipeline YAML (configs/r1.yaml)")->required();
  sub->add_option("overrides", a->overrides, "key=value overrides of the pipeline file, e.g. vars.base_model=/m");
  sub->add_option("--from-stage", a->options.from_stage, "run this stage (redone if finished) and the ones after it");
  sub->add_option("--only-stage", a->options.only_stage, "run only this stage (redone if finished)");
  sub->add_flag("--dry-run", a->options.dry_run, "print each stage's command, run nothing");
  set_command_action(sub, [a] { return run_pipeline_command(*a); });
}

}  // namespace grpo
