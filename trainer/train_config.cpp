#include "trainer/train_config.h"

namespace grpo {

void ModelSection::validate(ConfigCheck& c) const {
  c.require(!path.empty(), "path", "required: the checkpoint directory to start from. HINT: model.path=/path/to/model");
}

void OptimSection::validate(ConfigCheck& c) const {
  c.require(lr > 0, "lr", "must be > 0");
  c.require(warmup_steps >= 0, "warmup_steps", "must be >= 0");
  c.require(lr_schedule == "constant" || lr_schedule == "cosine", "lr_schedule", "must be constant or cosine");
  c.require(min_lr_ratio >= 0 && min_lr_ratio <= 1, "min_lr_ratio", "must be in [0, 1]");
  c.require(weight_decay >= 0, "weight_decay", "must be >= 0");
  c.require(beta1 >= 0 && beta1 < 1, "beta1", "must be in [0, 1)");
  c.require(beta2 >= 0 && beta2 < 1, "beta2", "must be in [0, 1)");
  c.require(eps > 0, "eps", "must be > 0");
  c.require(max_grad_norm >= 0, "max_grad_norm", "must be >= 0 (0 = no clipping)");
}

void RunSection::validate(ConfigCheck& c) const {
  c.require(!output_dir.empty(), "output_dir", "required: the run folder. HINT: run.output_dir=runs/my_run");
  c.require(steps >= 1, "steps", "must be >= 1");
  c.require(seed >= 0, "seed", "must be >= 0");
  c.require(save_every >= 0, "save_every", "must be >= 0 (0 = only at the end)");
  c.require(keep_last >= 0, "keep_last", "must be >= 0 (0 = keep all)");
  c.require(micro_batch_tokens >= 16, "micro_batch_tokens", "must be >= 16");
  c.require(max_skipped_steps >= 0, "max_skipped_steps", "must be >= 0");
}

}  // namespace grpo
