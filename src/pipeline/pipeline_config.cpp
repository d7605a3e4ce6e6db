#include "src/pipeline/pipeline_config.h"

#include <fmt/format.h>

#include <set>

#include "src/config/config.h"
#include "src/util/error.h"

namespace grpo {

void MixSource::validate(ConfigCheck& c) const {
  c.require(!path.empty(), "path", "required");
  c.require(weight > 0, "weight", "must be > 0");
}

void PipelineStage::validate(ConfigCheck& c) const {
  c.require(!name.empty() && name.find_first_of("/. ${}") == std::string::npos, "name",
            "required, and without '/', '.', spaces, '$' or braces (it names a folder and a reference)");
  c.require(kind == "sft" || kind == "train" || kind == "sample" || kind == "mix", "kind",
            "must be sft, train, sample or mix");
  if (kind == "sft" || kind == "train") c.require(!config.empty(), "config", "required for a " + kind + " stage");
  if (kind == "sample") {
    for (const char* flag : {"model", "data", "rewards", "keep"})
      c.require(args.count(flag) == 1, "args", fmt::format("a sample stage needs args.{}", flag));
    c.require(args.count("output") == 0, "args", "output is set by the pipeline (the stage's samples.jsonl)");
  }
  if (kind == "mix") c.require(!sources.empty(), "sources", "a mix stage needs at least one source");
  c.require(size >= 0, "size", "must be >= 0");
}

std::vector<std::string> PipelineStage::references() const {
  std::vector<std::string> texts = overrides;
  texts.push_back(config);
  for (const auto& [flag, value] : args) texts.push_back(value);
  for (const auto& src : sources) texts.push_back(src.path);
  std::vector<std::string> out;
  for (const auto& t : texts)
    for (auto& ref : references_in(t)) out.push_back(std::move(ref));
  return out;
}

std::vector<std::string> references_in(const std::string& text) {
  std::vector<std::string> out;
  for (size_t pos = text.find("${"); pos != std::string::npos; pos = text.find("${", pos + 2)) {
    const size_t end = text.find('}', pos);
    if (end == std::string::npos) break;
    out.push_back(text.substr(pos + 2, end - pos - 2));
  }
  return out;
}

std::string substitute_references(const std::string& text, const std::map<std::string, std::string>& values,
                                  const std::string& where) {
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t open = text.find("${", pos);
    if (open == std::string::npos) break;
    const size_t close = text.find('}', open);
    if (close == std::string::npos) fail("{}: unterminated '${{' in '{}'", where, text);
    const std::string name = text.substr(open + 2, close - open - 2);
    const auto it = values.find(name);
    if (it == values.end()) fail("{}: unknown reference ${{{}}}", where, name);
    out += text.substr(pos, open - pos) + it->second;
    pos = close + 1;
  }
  return out + text.substr(pos);
}

void PipelineConfig::validate(ConfigCheck& c) const {
  c.require(!output_dir.empty(), "output_dir", "required: the pipeline folder");
  c.require(!stages.empty(), "stages", "at least one stage");
  // Names a stage may refer to: vars, output_dir, and the outputs of the stages before it.
  std::set<std::string> known = {"output_dir"};
  for (const auto& [name, value] : vars) known.insert(name);
  std::set<std::string> names;
  for (size_t i = 0; i < stages.size(); ++i) {
    const auto& s = stages[i];
    const std::string key = fmt::format("stages[{}]", i);
    c.require(names.insert(s.name).second, key + ".name", "duplicate stage name '" + s.name + "'");
    for (const auto& ref : s.references())
      c.require(known.count(ref) == 1, key,
                fmt::format("unknown reference ${{{}}} (known here: vars, output_dir, and earlier stages' "
                            "<name>.model for sft/train, <name>.output for sample/mix)", ref));
    if (s.kind == "sft" || s.kind == "train") known.insert(s.name + ".model");
    if (s.kind == "sample" || s.kind == "mix") known.insert(s.name + ".output");
  }
}

PipelineConfig load_pipeline_config(const std::string& file, const std::vector<std::string>& overrides) {
  return load_config<PipelineConfig>(file, overrides);
}

}  // namespace grpo
