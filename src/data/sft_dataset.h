// The examples of an SFT / pre-training run: a JSONL file read in one of three formats
// (prompt_completion, messages, text; "auto" picks by the first row's fields), tokenized with
// trained masks (sft_example.h), truncated to max_seq_len, and served in a seeded per-epoch order
// with a resumable position (epoch_sampler.h). Called by the SFT trainer. Torch-free.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "src/data/epoch_sampler.h"
#include "src/data/sft_example.h"
#include "src/tokenizer/tokenizer.h"

namespace grpo {

struct SftDataOptions {
  std::string format = "auto";  // auto | prompt_completion | messages | text
  std::string prompt_field = "prompt";
  std::string completion_field = "completion";
  std::string text_field = "text";
  std::string prompt_template = "{prompt}";  // PromptTemplate spec for prompt_completion rows
  int64_t max_seq_len = 4096;
  bool add_eos = true;  // append eos to completions and texts (messages end with the template's marker)
  size_t threads = 0;   // tokenization threads (0 = all cores)
};

struct SftDataStats {
  std::string format;        // the resolved format
  size_t rows = 0;           // rows read
  size_t truncated = 0;      // examples cut to max_seq_len (kept)
  size_t dropped = 0;        // examples with no trained token left (after truncation), not used
  int64_t tokens = 0;        // tokens of the kept examples
  int64_t trained_tokens = 0;
};

class SftDataset {
 public:
  // Errors name file:line and the field (missing, wrong type, unknown format) with a HINT.
  static SftDataset load(const std::string& path, const SftDataOptions& opts, const Tokenizer& tok);

  size_t size() const { return examples_.size(); }
  const SftExample& example(size_t i) const { return examples_[i]; }
  const SftDataStats& stats() const { return stats_; }

  // The next `count` examples in the seeded order (crossing epochs); position() is saved with
  // checkpoints and restored with set_position().
  std::vector<size_t> next_batch(size_t count, uint64_t seed) { return sampler_.next(examples_.size(), count, seed); }
  DatasetPosition position() const { return sampler_.position(); }
  void set_position(const DatasetPosition& p) { sampler_.set_position(p); }

 private:
  std::vector<SftExample> examples_;
  SftDataStats stats_;
  EpochSampler sampler_;
};

}  // namespace grpo
