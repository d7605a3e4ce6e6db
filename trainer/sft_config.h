// The config of `grpo sft`: supervised fine-tuning (prompt/completion or chat messages) and plain
// text pre-training on the same run machinery as `grpo train` (model, optim and run sections of
// train_config.h). Read with load_config<SftConfig>(file, overrides); docs/sft.md lists the keys.
#pragma once
#include <cstdint>
#include <string>

#include "src/config/config_node.h"
#include "src/data/sft_dataset.h"
#include "trainer/train_config.h"

namespace grpo {

struct SftDataSection {
  std::string path;
  std::string format = "auto";
  std::string prompt_field = "prompt";
  std::string completion_field = "completion";
  std::string text_field = "text";
  std::string prompt_template = "{prompt}";
  int64_t max_seq_len = 4096;
  bool add_eos = true;
  double epochs = 0;
  template <class V> void visit(V& v) {
    v(path, "path", "JSONL file of training rows (required)");
    v(format, "format", "auto | prompt_completion | messages | text (auto: by the first row's fields)");
    v(prompt_field, "prompt_field", "prompt column of prompt_completion rows");
    v(completion_field, "completion_field", "completion column of prompt_completion rows (the trained part)");
    v(text_field, "text_field", "text column of text rows (pre-training: every token trained)");
    v(prompt_template, "template", "prompt_completion prompt template: r1_zero, chat, or text with {field}s");
    v(max_seq_len, "max_seq_len", "longer examples keep their first max_seq_len tokens; none trained left = dropped");
    v(add_eos, "add_eos", "append the tokenizer's eos after each completion / text (trained)");
    v(epochs, "epochs", "passes over the data; > 0 sets run.steps = ceil(epochs * examples / examples_per_step)");
  }
  void validate(ConfigCheck& c) const;
  SftDataOptions options() const;
};

struct SftBatchSection {
  int64_t examples_per_step = 32;
  template <class V> void visit(V& v) {
    v(examples_per_step, "examples_per_step",
      "examples per optimizer step (= TRL per_device_train_batch_size x gradient_accumulation_steps); split into "
      "micro-batches of run.micro_batch_tokens");
  }
  void validate(ConfigCheck& c) const;
};

struct SftConfig {
  ModelSection model;
  OptimSection optim;
  RunSection run;
  SftDataSection data;
  SftBatchSection batch;
  template <class V> void visit(V& v) {
    v(model, "model", "the model to train");
    v(optim, "optim", "AdamW and the learning-rate schedule");
    v(run, "run", "output folder, steps, checkpoints, logging");
    v(data, "data", "training data");
    v(batch, "batch", "examples per step");
  }
};

// run.steps after data.epochs (the total of optimizer steps the run makes).
int64_t sft_total_steps(const SftConfig& cfg, size_t examples);

}  // namespace grpo
