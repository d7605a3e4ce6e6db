// `grpo pipeline` configs: a named sequence of stages (the four-stage DeepSeek-R1 recipe, a
// distillation, ...), each one `grpo` command — sft, train, sample — or a data mix, whose outputs
// later stages name as ${stage.model} (final checkpoint) or ${stage.output} (a JSONL file). Typed
// like every config (visit lists), with references checked before anything runs. Torch-free.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "src/config/config_node.h"

namespace grpo {

struct MixSource {
  std::string path;
  double weight = 1.0;
  template <class V> void visit(V& v) {
    v(path, "path", "JSONL file (references allowed)");
    v(weight, "weight", "share of the mix: rows from this source = size x weight / sum of weights");
  }
  void validate(ConfigCheck& c) const;
};

struct PipelineStage {
  std::string name;
  std::string kind;
  std::string config;
  std::vector<std::string> overrides;
  std::map<std::string, std::string> args;
  std::vector<MixSource> sources;
  int64_t size = 0;
  template <class V> void visit(V& v) {
    v(name, "name", "stage name: its folder under output_dir, and how later stages refer to it");
    v(kind, "kind", "sft | train | sample | mix");
    v(config, "config", "sft / train: the stage's YAML recipe");
    v(overrides, "overrides", "sft / train: key=value overrides of the recipe (references allowed)");
    v(args, "args", "sample: command-line flags without the dashes, e.g. {model: ..., n: 4, keep: ...}");
    v(sources, "sources", "mix: the JSONL files to mix and their weights");
    v(size, "size", "mix: rows in the output (0 = rows of all sources together)");
  }
  void validate(ConfigCheck& c) const;
  std::vector<std::string> references() const;  // every ${name} in config, overrides, args and sources
};

struct PipelineConfig {
  std::string output_dir;
  int64_t seed = 0;
  std::map<std::string, std::string> vars;
  std::vector<PipelineStage> stages;
  template <class V> void visit(V& v) {
    v(output_dir, "output_dir", "pipeline folder: one sub-folder per stage (required)");
    v(seed, "seed", "seed of data mixing (stages have their own seeds)");
    v(vars, "vars", "names usable as ${name} in stage fields, e.g. base_model");
    v(stages, "stages", "the stages, run in order");
  }
  void validate(ConfigCheck& c) const;
};

// Loads and validates; every ${...} must name a var, `output_dir`, or an output of an EARLIER stage
// (${stage.model} of sft/train, ${stage.output} of sample/mix). Errors name file:line and the key.
PipelineConfig load_pipeline_config(const std::string& file, const std::vector<std::string>& overrides = {});

// Replaces every ${name} in `text` from `values`; an unknown name is a grpo::Error naming `where`.
std::string substitute_references(const std::string& text, const std::map<std::string, std::string>& values,
                                  const std::string& where);
// The ${...} names used in `text`, in order.
std::vector<std::string> references_in(const std::string& text);

}  // namespace grpo
