// Runs a pipeline's stages in order, each in its folder <output_dir>/<name>/. A stage that finished
// leaves <name>/.stage_done.json (written atomically, holding its output) and is skipped on re-run; a
// stage that was interrupted is simply run again and resumes from its own last checkpoint (the
// trainers resume from their run folder). sft/train/sample stages run as child processes of the
// same `grpo` binary, so each stage starts with all GPU memory free. Torch-free.
#pragma once
#include <string>
#include <vector>

#include "src/pipeline/pipeline_config.h"

namespace grpo {

struct PipelineOptions {
  std::string from_stage;  // run this stage and the ones after it (a finished one is redone from scratch)
  std::string only_stage;  // run only this stage (redone from scratch when finished)
  std::string binary;      // the grpo executable for child stages (default: this process's executable)
  bool dry_run = false;    // print the commands, run nothing
};

struct StageOutcome {
  std::string name, kind, output;
  bool ran = false;  // false: skipped (already finished, or not selected)
};

std::vector<StageOutcome> run_pipeline(const PipelineConfig& config, const PipelineOptions& options);

// The child command of an sft/train/sample stage with every reference substituted (for logs, dry runs).
std::vector<std::string> stage_command(const PipelineStage& stage, const std::string& stage_dir,
                                       const std::map<std::string, std::string>& values, const std::string& binary);

}  // namespace grpo
