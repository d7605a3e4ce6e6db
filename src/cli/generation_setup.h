// What `grpo generate`, `grpo eval` and `grpo sample` share: the model / tokenizer / template /
// sampling / device flags, and a Generator that loads them into a ready RolloutEngine. One place,
// so that the three commands sample the same way from the same flags. CLI-only (CLI11).
#pragma once
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "rollout/engine.h"
#include "rewards/registry.h"
#include "rollout/model_decoder.h"
#include "src/tokenizer/prompt_template.h"
#include "src/tokenizer/tokenizer.h"
#include "trainer/scored_rollout.h"

namespace grpo {

// Defaults are the member initialisers; a command may change one before add_generation_flags
// (eval samples at temperature 0.6).
struct GenerationFlags {
  std::string model, tokenizer, prompt_template, device = "auto", dtype = "auto";
  int64_t max_new_tokens = 256, top_k = 0, sync_interval = 4;
  float temperature = 1.0f, top_p = 1.0f, min_p = 0.0f;
  uint64_t seed = 0;
  bool greedy = false, ignore_eos = false, no_cuda_graphs = false;
  std::vector<std::string> stop;
  double cache_gb = 0;  // 0: 16 GiB on CUDA, 4 GiB on CPU
};

// Adds --model (required), --tokenizer, --template, the sampling flags and --device/--dtype/--cache-gb.
void add_generation_flags(CLI::App* sub, GenerationFlags& flags);

// The model, tokenizer, prompt template, sampling parameters and engine of one command run. The
// constructor loads the tokenizer and validates the sampling flags (errors prefixed with
// `grpo <command>`); the model loads at the first generate, after the caller has read its data.
class Generator {
 public:
  Generator(const GenerationFlags& flags, const std::string& command);
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  const Tokenizer& tokenizer() const { return tok_; }
  const PromptTemplate& prompt_template() const { return template_; }
  const SamplingParams& params() const { return params_; }

  // num_samples completions per prompt, with a progress bar on stderr and a throughput log line.
  RolloutResult generate(const std::vector<std::vector<TokenId>>& prompts, int64_t num_samples);
  ScoredRollout sample_and_score(const RewardSet& rewards, const PromptBatch& prompts, int64_t num_samples);

 private:
  RolloutEngine& engine();  // loads the model on first use
  void log_start(size_t prompts, int64_t num_samples) const;
  void log_stats(const RolloutStats& stats) const;

  std::string command_;
  c10::Device device_;
  c10::ScalarType dtype_;
  Tokenizer tok_;
  PromptTemplate template_;  // may point into tok_ (chat): declared after it
  SamplingParams params_;
  GenerationFlags flags_;
  std::unique_ptr<ModelDecoder> decoder_;
  std::unique_ptr<RolloutEngine> engine_;  // holds a reference to *decoder_
};

// The reward functions of a YAML file's `rewards:` section. The registry lives as long as the set:
// plug-in rewards' code belongs to it.
struct LoadedRewards {
  RewardRegistry registry;
  std::unique_ptr<RewardSet> set;
};
std::unique_ptr<LoadedRewards> load_reward_functions(const std::string& path);

// A prompt file (rows with a "prompt" field plus ground truth) and its first `limit` rows (0 = all).
struct PromptRows {
  PromptDataset dataset;
  std::vector<const PromptRow*> rows;  // into dataset
};
std::unique_ptr<PromptRows> load_prompt_rows(const std::string& path, int64_t limit);

}  // namespace grpo
