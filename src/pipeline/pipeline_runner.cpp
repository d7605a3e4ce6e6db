#include "src/pipeline/pipeline_runner.h"

#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "src/checkpoint/checkpoint_dir.h"
#include "src/pipeline/data_mix.h"
#include "src/util/error.h"
#include "src/util/fs.h"
#include "src/util/log.h"
#include "src/util/process.h"
#include "src/util/timer.h"

namespace grpo {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDoneFile = ".stage_done.json";

std::string self_executable() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) fail("pipeline: cannot find the grpo executable (/proc/self/exe)");
  return std::string(buf, static_cast<size_t>(n));
}

int run_child(const std::vector<std::string>& command) {
  const pid_t pid = spawn_process(command);
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) fail("pipeline: lost the child process of {}", command[0]);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

// The reference a finished stage provides: ${name.model} for trainers, ${name.output} for files.
std::string output_key(const PipelineStage& s) {
  return s.name + ((s.kind == "sft" || s.kind == "train") ? ".model" : ".output");
}

}  // namespace

std::vector<std::string> stage_command(const PipelineStage& stage, const std::string& stage_dir,
                                       const std::map<std::string, std::string>& values, const std::string& binary) {
  const std::string where = "stage '" + stage.name + "'";
  std::vector<std::string> cmd = {binary, stage.kind};
  if (stage.kind == "sft" || stage.kind == "train") {
    cmd.push_back("--config");
    cmd.push_back(substitute_references(stage.config, values, where + " config"));
    for (const auto& o : stage.overrides) cmd.push_back(substitute_references(o, values, where + " overrides"));
    cmd.push_back("run.output_dir=" + stage_dir);
  } else if (stage.kind == "sample") {
    for (const auto& [flag, value] : stage.args)
      cmd.push_back("--" + flag + "=" + substitute_references(value, values, where + " args." + flag));
    cmd.push_back("--output=" + stage_dir + "/samples.jsonl");
  }
  return cmd;
}

std::vector<StageOutcome> run_pipeline(const PipelineConfig& config, const PipelineOptions& options) {
  const auto& stages = config.stages;
  auto index_of = [&](const std::string& name) -> size_t {
    for (size_t i = 0; i < stages.size(); ++i)
      if (stages[i].name == name) return i;
    std::string names;
    for (const auto& s : stages) names += " " + s.name;
    fail("pipeline: no stage named '{}'. HINT: the stages are:{}", name, names);
  };
  const size_t from = options.from_stage.empty() ? 0 : index_of(options.from_stage);
  const size_t only = options.only_stage.empty() ? stages.size() : index_of(options.only_stage);
  const std::string binary = options.binary.empty() ? self_executable() : options.binary;

  std::map<std::string, std::string> values = config.vars;
  values["output_dir"] = config.output_dir;
  std::vector<StageOutcome> outcomes;
  if (!options.dry_run) fs::create_directories(config.output_dir);
  for (size_t i = 0; i < stages.size(); ++i) {
    const PipelineStage& s = stages[i];
    const std::string dir = config.output_dir + "/" + s.name;
    const std::string marker = dir + "/" + kDoneFile;
    const bool selected = only < stages.size() ? i == only : i >= from;
    // Stages named by --from-stage/--only-stage are redone even when finished; otherwise finished ones skip.
    const bool requested = selected && (!options.from_stage.empty() || !options.only_stage.empty());
    StageOutcome outcome{s.name, s.kind, "", false};
    if (fs::exists(marker) && !requested) {
      outcome.output = nlohmann::json::parse(read_file(marker)).at("output").get<std::string>();
      values[output_key(s)] = outcome.output;
      log_info("pipeline: stage {}/{} '{}' already finished -> {}", i + 1, stages.size(), s.name, outcome.output);
      outcomes.push_back(outcome);
      continue;
    }
    if (!selected) {
      log_info("pipeline: stage {}/{} '{}' not selected and not finished; later stages cannot use its output",
               i + 1, stages.size(), s.name);
      outcomes.push_back(outcome);
      continue;
    }
    if (fs::exists(marker)) {  // redo on request: from scratch, not a resume of the finished run
      log_info("pipeline: redoing stage '{}' from scratch (selected by --from-stage/--only-stage)", s.name);
      if (!options.dry_run) remove_tree(dir);
    }
    for (const auto& ref : s.references())
      if (values.count(ref) == 0)
        fail("pipeline: stage '{}' needs ${{{}}}, but that stage has not finished. HINT: run the pipeline without "
             "--from-stage/--only-stage first",
             s.name, ref);
    log_info("pipeline: stage {}/{} '{}' ({})", i + 1, stages.size(), s.name, s.kind);
    const auto t0 = std::chrono::steady_clock::now();
    if (s.kind == "mix") {
      std::vector<MixSource> sources = s.sources;
      for (auto& src : sources) src.path = substitute_references(src.path, values, "stage '" + s.name + "' sources");
      outcome.output = dir + "/mix.jsonl";
      if (options.dry_run) {
        log_info("pipeline: would mix {} sources into {}", sources.size(), outcome.output);
      } else {
        fs::create_directories(dir);
        const auto report = mix_datasets(sources, s.size, static_cast<uint64_t>(config.seed) + i, outcome.output);
        for (size_t k = 0; k < sources.size(); ++k)
          log_info("pipeline: mix: {} rows of {} from {}", report.rows_out[k], report.rows_in[k], sources[k].path);
      }
    } else {
      const auto command = stage_command(s, dir, values, binary);
      log_info("pipeline: {}", join(command));
      if (!options.dry_run) {
        fs::create_directories(dir);
        const int code = run_child(command);
        if (code != 0)
          fail("pipeline: stage '{}' failed (exit {}). HINT: fix the cause and run the same command again: finished "
               "stages are skipped and this one resumes from its last checkpoint",
               s.name, code);
      }
      if (s.kind == "sample") {
        outcome.output = dir + "/samples.jsonl";
      } else if (options.dry_run) {
        outcome.output = dir + "/checkpoint-<last>";
      } else {
        const auto latest = CheckpointDir(dir, 0).latest();
        if (!latest) fail("pipeline: stage '{}' finished without a checkpoint in {}", s.name, dir);
        outcome.output = *latest;
      }
    }
    values[output_key(s)] = outcome.output;
    if (!options.dry_run)
      write_file_atomic(marker, nlohmann::json{{"name", s.name}, {"kind", s.kind}, {"output", outcome.output}}.dump(2) + "\n");
    outcome.ran = true;
    log_info("pipeline: stage '{}' done in {:.1f} s -> {}", s.name, seconds_since(t0), outcome.output);
    outcomes.push_back(outcome);
  }
  return outcomes;
}

}  // namespace grpo
