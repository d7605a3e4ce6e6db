// SftConfig validation and derived values (see sft_config.h).
#include "trainer/sft_config.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace grpo {

void SftDataSection::validate(ConfigCheck& c) const {
  c.require(!path.empty(), "path", "required: the JSONL training data. HINT: data.path=data/train.jsonl");
  if (!path.empty())
    c.require(std::filesystem::is_regular_file(path), "path",
              "no such file: '" + path + "'. HINT: check the path (relative paths start at the working directory)");
  c.require(format == "auto" || format == "prompt_completion" || format == "messages" || format == "text", "format",
            "must be auto, prompt_completion, messages or text");
  c.require(max_seq_len >= 2, "max_seq_len", "must be >= 2");
  c.require(epochs >= 0, "epochs", "must be >= 0 (0 = run.steps decides)");
}

SftDataOptions SftDataSection::options() const {
  SftDataOptions o;
  o.format = format;
  o.prompt_field = prompt_field;
  o.completion_field = completion_field;
  o.text_field = text_field;
  o.prompt_template = prompt_template;
  o.max_seq_len = max_seq_len;
  o.add_eos = add_eos;
  return o;
}

void SftBatchSection::validate(ConfigCheck& c) const {
  c.require(examples_per_step >= 1, "examples_per_step", "must be >= 1");
}

int64_t sft_total_steps(const SftConfig& cfg, size_t examples) {
  if (cfg.data.epochs <= 0) return cfg.run.steps;
  const double steps = std::ceil(cfg.data.epochs * static_cast<double>(examples) /
                                 static_cast<double>(cfg.batch.examples_per_step));
  return std::max<int64_t>(1, static_cast<int64_t>(steps));
}

}  // namespace grpo
