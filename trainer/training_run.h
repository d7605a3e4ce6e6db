// TrainingRun: what the GRPO and SFT loops share around their step — the policy model and its
// tokenizer, AdamW with the LR schedule, gradient clipping with NaN/Inf step skipping, metrics,
// and checkpoints that resume exactly. A run folder that already holds a checkpoint is resumed
// from it: weights, optimizer moments and fp32 masters, step, data position and skip count come
// back, and metrics.jsonl lines past that step are dropped, so that a run killed at any moment and
// restarted continues as if never stopped.
//
//   TrainingRun run(cfg.model, cfg.optim, cfg.run, dump_config(cfg));
//   while (run.step() < cfg.run.steps) {
//     ... forward/backward on run.model() ...
//     auto u = run.apply_gradients();           // clip, skip if non-finite, AdamW step, step += 1
//     run.log({{"loss", l}, {"grad_norm", u.grad_norm}});
//     run.maybe_save();                         // every save_every steps and at the end
//   }
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "src/checkpoint/checkpoint_dir.h"
#include "src/data/prompt_dataset.h"
#include "src/metrics/metrics_log.h"
#include "src/model/causal_lm.h"
#include "src/tokenizer/tokenizer.h"
#include "trainer/lr_schedule.h"
#include "trainer/optimizer.h"
#include "trainer/train_config.h"

namespace grpo {

// The loop's own resumable state, saved as trainer_state.json in each checkpoint.
struct TrainerState {
  int64_t step = 0;           // optimizer updates done (skipped steps included)
  int64_t skipped_steps = 0;  // steps whose loss or gradients were not finite
  DatasetPosition data;       // where the next batch starts
  nlohmann::json extra = nlohmann::json::object();  // loop-specific (e.g. GRPO's reference refresh step)
};

struct GradientUpdate {
  double grad_norm = 0.0;  // before clipping
  double lr = 0.0;
  bool applied = false;    // false: non-finite, the step was skipped
};

class TrainingRun {
 public:
  // Loads the tokenizer (unless the caller passes the one it already loaded from
  // model.tokenizer_path()) and the policy (from the run's latest checkpoint when there is one, else
  // from model.path), builds the optimizer (restoring its state on resume), writes
  // <output_dir>/config.yaml and opens the metrics.
  TrainingRun(const ModelSection& model, const OptimSection& optim, const RunSection& run, std::string config_yaml,
              std::unique_ptr<Tokenizer> tokenizer = nullptr);
  ~TrainingRun();

  CausalLM& model() { return model_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  c10::Device device() const;
  TrainerState& state() { return state_; }
  int64_t step() const { return state_.step; }
  bool resumed() const { return resumed_from_.has_value(); }
  const std::optional<std::string>& resumed_from() const { return resumed_from_; }
  const RunSection& run_config() const { return run_; }

  double learning_rate() const;  // for the current step
  // After all micro-batches' backward: clip (max_grad_norm), then AdamW step at the scheduled lr —
  // or, when the norm is not finite, drop the gradients and count a skipped step (throws once
  // more than max_skipped_steps were skipped). Advances step() either way; zeroes the gradients.
  GradientUpdate apply_gradients();
  // Metrics of the step just finished (logged at step(), i.e. 1-based update count).
  void log(const Metrics& metrics);
  MetricsLog& metrics() { return *metrics_; }

  // Saves when step() is a multiple of save_every, or is the last step. `extra_files` may write
  // more into the staging folder (e.g. the GRPO reference model). Returns the folder when saved.
  std::optional<std::string> maybe_save(const std::function<void(const std::string& folder)>& extra_files = {});
  std::string save(const std::function<void(const std::string& folder)>& extra_files = {});

 private:
  ModelSection model_cfg_;
  OptimSection optim_;
  RunSection run_;
  std::string config_yaml_;
  std::unique_ptr<Tokenizer> tokenizer_;
  CausalLM model_{nullptr};
  std::unique_ptr<AdamW> optimizer_;
  std::vector<at::Tensor> params_;
  LrScheduleOptions schedule_;
  CheckpointDir checkpoints_;
  std::unique_ptr<MetricsLog> metrics_;
  TrainerState state_;
  std::optional<std::string> resumed_from_;
};

// trainer_state.json <-> TrainerState (file errors name the file).
void save_trainer_state(const TrainerState& state, const std::string& path);
TrainerState load_trainer_state(const std::string& path);

}  // namespace grpo
