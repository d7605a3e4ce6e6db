// TrainingRun: loading, resuming, stepping and checkpointing a training run (see training_run.h).
#include "trainer/training_run.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "src/model/checkpoint_load.h"
#include "src/model/checkpoint_save.h"
#include "src/tensor/device.h"
#include "src/util/error.h"
#include "src/util/fs.h"
#include "src/util/log.h"

namespace grpo {
namespace fs = std::filesystem;

namespace {
constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kOptimizerFile = "optimizer.pt";
constexpr const char* kConfigFile = "config.yaml";  // HF's config.json is the model's; this is the run's

std::string tokenizer_dir_of(const std::string& tokenizer_path) {
  return fs::is_directory(tokenizer_path) ? tokenizer_path : fs::path(tokenizer_path).parent_path().string();
}
}  // namespace

void save_trainer_state(const TrainerState& s, const std::string& path) {
  const nlohmann::json j = {{"format", 1},
                            {"step", s.step},
                            {"skipped_steps", s.skipped_steps},
                            {"data", {{"epoch", s.data.epoch}, {"index", s.data.index}}},
                            {"extra", s.extra}};
  write_file_atomic(path, j.dump(2) + "\n");
}

TrainerState load_trainer_state(const std::string& path) {
  TrainerState s;
  try {
    const auto j = nlohmann::json::parse(read_file(path));
    s.step = j.at("step").get<int64_t>();
    s.skipped_steps = j.at("skipped_steps").get<int64_t>();
    s.data.epoch = j.at("data").at("epoch").get<int64_t>();
    s.data.index = j.at("data").at("index").get<int64_t>();
    s.extra = j.value("extra", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    fail("{}: not a valid trainer state: {}. HINT: the checkpoint is damaged; delete it to resume from the one "
         "before",
         path, e.what());
  }
  return s;
}

TrainingRun::TrainingRun(const ModelSection& model, const OptimSection& optim, const RunSection& run,
                         std::string config_yaml, std::unique_ptr<Tokenizer> tokenizer)
    : model_cfg_(model),
      optim_(optim),
      run_(run),
      config_yaml_(std::move(config_yaml)),
      checkpoints_(run.output_dir, static_cast<int>(run.keep_last)) {
  const auto device = resolve_device(model.device);
  const auto dtype = resolve_dtype(model.dtype, device);
  tokenizer_ = tokenizer ? std::move(tokenizer) : std::make_unique<Tokenizer>(Tokenizer::load(model.tokenizer_path()));
  resumed_from_ = checkpoints_.latest();
  const std::string weights = resumed_from_ ? *resumed_from_ : model.path;
  model_ = load_causal_lm(weights, device, dtype);
  model_->set_gradient_checkpointing(model.gradient_checkpointing);
  model_->train();

  std::vector<std::string> names;
  for (const auto& item : model_->named_parameters()) {
    params_.push_back(item.value());
    names.push_back(item.key());
  }
  optimizer_ = std::make_unique<AdamW>(params_, names,
                                       AdamWOptions{optim.beta1, optim.beta2, optim.eps, optim.weight_decay});
  schedule_ = LrScheduleOptions{optim.lr, optim.warmup_steps, run.steps, parse_lr_decay(optim.lr_schedule),
                                optim.min_lr_ratio};

  const std::string config_path = run.output_dir + "/" + kConfigFile;
  if (resumed_from_) {
    optimizer_->load(*resumed_from_ + "/" + kOptimizerFile);
    state_ = load_trainer_state(*resumed_from_ + "/" + kStateFile);
    const std::string saved = fs::exists(*resumed_from_ + "/" + kConfigFile) ? read_file(*resumed_from_ + "/" + kConfigFile) : "";
    if (saved != config_yaml_)
      log_warn("resume: the config differs from the one {} was trained with (see its {}); continuing with the new one",
               *resumed_from_, kConfigFile);
    log_info("resume: from {} (step {}, data epoch {} row {})", *resumed_from_, state_.step, state_.data.epoch,
             state_.data.index);
  }
  write_file_atomic(config_path, config_yaml_);
  metrics_ = std::make_unique<MetricsLog>(run.output_dir, MetricsLogOptions{true, run.tensorboard});
  metrics_->truncate_after(state_.step);  // lines of a killed run's lost steps (all of them on a fresh start)
}

TrainingRun::~TrainingRun() = default;

c10::Device TrainingRun::device() const { return model_->options().device(); }

double TrainingRun::learning_rate() const { return grpo::learning_rate(state_.step, schedule_); }

GradientUpdate TrainingRun::apply_gradients() {
  GradientUpdate u;
  u.lr = learning_rate();
  u.grad_norm = clip_grad_norm(params_, optim_.max_grad_norm);
  if (std::isfinite(u.grad_norm)) {
    optimizer_->step(u.lr);
    u.applied = true;
  } else {
    ++state_.skipped_steps;
    log_warn("step {}: gradient norm is {}; update skipped ({} skipped so far, limit {})", state_.step + 1,
             u.grad_norm, state_.skipped_steps, run_.max_skipped_steps);
  }
  optimizer_->zero_grad();
  ++state_.step;
  if (state_.skipped_steps > run_.max_skipped_steps)
    fail("{} steps had non-finite loss or gradients (run.max_skipped_steps = {}); stopping. HINT: lower optim.lr, "
         "check the data, or use dtype bf16/fp32 instead of fp16",
         state_.skipped_steps, run_.max_skipped_steps);
  return u;
}

void TrainingRun::log(const Metrics& metrics) { metrics_->log(state_.step, metrics); }

std::optional<std::string> TrainingRun::maybe_save(const std::function<void(const std::string&)>& extra_files) {
  const bool periodic = run_.save_every > 0 && state_.step % run_.save_every == 0;
  if (!periodic && state_.step < run_.steps) return std::nullopt;
  return save(extra_files);
}

std::string TrainingRun::save(const std::function<void(const std::string&)>& extra_files) {
  const std::string staging = checkpoints_.begin(state_.step);
  SaveOptions opts;
  opts.tokenizer_dir = tokenizer_dir_of(model_cfg_.tokenizer_path());
  save_checkpoint(*model_, staging, opts);  // replaces the (empty) staging folder with the HF files
  optimizer_->save(staging + "/" + kOptimizerFile);
  save_trainer_state(state_, staging + "/" + kStateFile);
  write_file_atomic(staging + "/" + kConfigFile, config_yaml_);
  if (extra_files) extra_files(staging);
  sync_directory(staging);
  const std::string folder = checkpoints_.commit(state_.step);
  log_info("checkpoint: {}", folder);
  return folder;
}

}  // namespace grpo
