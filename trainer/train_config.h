// Config sections every training command shares (grpo train, grpo sft): the model to train, the
// optimizer and schedule, and the run (output folder, steps, checkpoints, logging). Fields are listed
// once in visit(); docs/config.md is generated from them.
#pragma once
#include <cstdint>
#include <string>

#include "src/config/config_node.h"

namespace grpo {

struct ModelSection {
  std::string path;
  std::string tokenizer;
  std::string dtype = "auto";
  std::string device = "auto";
  bool gradient_checkpointing = false;
  template <class V> void visit(V& v) {
    v(path, "path", "Hugging Face checkpoint directory to start from (required)");
    v(tokenizer, "tokenizer", "tokenizer directory or tokenizer.json (default: model.path)");
    v(dtype, "dtype", "auto (bf16 on CUDA, fp32 on CPU), fp32, bf16, fp16");
    v(device, "device", "auto, cpu, cuda or cuda:N");
    v(gradient_checkpointing, "gradient_checkpointing", "recompute each layer in backward (less memory, ~25% slower)");
  }
  void validate(ConfigCheck& c) const;
  std::string tokenizer_path() const { return tokenizer.empty() ? path : tokenizer; }
};

struct OptimSection {
  double lr = 1e-6;
  int64_t warmup_steps = 0;
  std::string lr_schedule = "constant";
  double min_lr_ratio = 0.0;
  double weight_decay = 0.0;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double max_grad_norm = 1.0;
  template <class V> void visit(V& v) {
    v(lr, "lr", "peak learning rate (AdamW)");
    v(warmup_steps, "warmup_steps", "linear warmup: update s uses lr*(s+1)/warmup_steps");
    v(lr_schedule, "lr_schedule", "after warmup: constant | cosine");
    v(min_lr_ratio, "min_lr_ratio", "cosine floor as a fraction of lr");
    v(weight_decay, "weight_decay", "decoupled weight decay (AdamW)");
    v(beta1, "beta1", "AdamW first-moment decay");
    v(beta2, "beta2", "AdamW second-moment decay");
    v(eps, "eps", "AdamW epsilon");
    v(max_grad_norm, "max_grad_norm", "clip the global gradient norm to this (0 = no clipping)");
  }
  void validate(ConfigCheck& c) const;
};

struct RunSection {
  std::string output_dir;
  int64_t steps = 100;
  int64_t seed = 0;
  int64_t save_every = 0;
  int64_t keep_last = 2;
  int64_t micro_batch_tokens = 8192;
  int64_t max_skipped_steps = 10;
  bool tensorboard = true;
  template <class V> void visit(V& v) {
    v(output_dir, "output_dir", "run folder: metrics.jsonl, tensorboard/, samples.jsonl, checkpoint-N/ (required)");
    v(steps, "steps", "optimizer steps to run in total (a resumed run continues to this)");
    v(seed, "seed", "seed of data order, sampling and initialisation; same seed + config = same run");
    v(save_every, "save_every", "checkpoint every N steps (0 = only at the end); the last step is always saved");
    v(keep_last, "keep_last", "checkpoints to keep (0 = all)");
    v(micro_batch_tokens, "micro_batch_tokens", "tokens per packed micro-batch in the update (memory bound)");
    v(max_skipped_steps, "max_skipped_steps", "stop after this many steps skipped for NaN/Inf loss or gradients");
    v(tensorboard, "tensorboard", "also write TensorBoard event files to <output_dir>/tensorboard");
  }
  void validate(ConfigCheck& c) const;
};

}  // namespace grpo
