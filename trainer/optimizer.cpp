// AdamW with fp32 master weights and gradient clipping (see optimizer.h).
#include "trainer/optimizer.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <cmath>

#include "src/util/error.h"

namespace grpo {

AdamW::AdamW(std::vector<at::Tensor> params, std::vector<std::string> names, AdamWOptions opts)
    : params_(std::move(params)), names_(std::move(names)), opts_(opts) {
  TORCH_CHECK(params_.size() == names_.size(), "AdamW: ", params_.size(), " params but ", names_.size(), " names");
  torch::NoGradGuard no_grad;
  for (const auto& p : params_) {
    masters_.push_back(p.scalar_type() == torch::kFloat ? p : p.detach().to(torch::kFloat).clone());
    exp_avg_.push_back(torch::zeros_like(masters_.back()));
    exp_avg_sq_.push_back(torch::zeros_like(masters_.back()));
  }
}

void AdamW::step(double lr) {
  torch::NoGradGuard no_grad;
  ++step_;
  const double bias1 = 1.0 - std::pow(opts_.beta1, static_cast<double>(step_));
  const double bias2 = 1.0 - std::pow(opts_.beta2, static_cast<double>(step_));
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto& grad_raw = params_[i].grad();
    if (!grad_raw.defined()) continue;
    const auto grad = grad_raw.to(torch::kFloat);
    auto& master = masters_[i];
    if (opts_.weight_decay != 0.0) master.mul_(1.0 - lr * opts_.weight_decay);
    exp_avg_[i].lerp_(grad, 1.0 - opts_.beta1);
    exp_avg_sq_[i].mul_(opts_.beta2).addcmul_(grad, grad, 1.0 - opts_.beta2);
    const auto denom = (exp_avg_sq_[i] / bias2).sqrt_().add_(opts_.eps);
    master.addcdiv_(exp_avg_[i], denom, -lr / bias1);
    if (!master.is_same(params_[i])) params_[i].copy_(master);
  }
}

void AdamW::zero_grad() {
  for (auto& p : params_)
    if (p.grad().defined()) p.mutable_grad() = at::Tensor();
}

void AdamW::save(const std::string& path) const {
  torch::serialize::OutputArchive archive;
  archive.write("step", torch::tensor(step_));
  for (size_t i = 0; i < params_.size(); ++i) {
    archive.write("m/" + names_[i], exp_avg_[i].cpu());
    archive.write("v/" + names_[i], exp_avg_sq_[i].cpu());
    archive.write("w/" + names_[i], masters_[i].detach().cpu());
  }
  archive.save_to(path);
}

void AdamW::load(const std::string& path) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    fail("{}: cannot read optimizer state: {}", path, e.what_without_backtrace());
  }
  torch::NoGradGuard no_grad;
  at::Tensor t;
  archive.read("step", t);
  step_ = t.item<int64_t>();
  for (size_t i = 0; i < params_.size(); ++i) {
    auto read_into = [&](const std::string& key, at::Tensor& dst) {
      at::Tensor src;
      if (!archive.try_read(key, src)) fail("{}: optimizer state has no '{}'. HINT: it was saved for another model", path, key);
      if (src.sizes() != dst.sizes()) fail("{}: '{}' has shape {} but the model needs {}", path, key, c10::str(src.sizes()), c10::str(dst.sizes()));
      dst.copy_(src);
    };
    read_into("m/" + names_[i], exp_avg_[i]);
    read_into("v/" + names_[i], exp_avg_sq_[i]);
    read_into("w/" + names_[i], masters_[i]);
    if (!masters_[i].is_same(params_[i])) params_[i].copy_(masters_[i]);
  }
}

double clip_grad_norm(const std::vector<at::Tensor>& params, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<at::Tensor> squares;
  for (const auto& p : params)
    if (p.grad().defined()) squares.push_back(p.grad().to(torch::kFloat).pow(2).sum());
  if (squares.empty()) return 0.0;
  const double norm = std::sqrt(torch::stack(squares).sum().item<double>());  // one host sync per step
  if (max_norm > 0 && std::isfinite(norm) && norm > max_norm) {
    const double scale = max_norm / (norm + 1e-6);
    for (const auto& p : params)
      if (p.grad().defined()) p.grad().mul_(scale);
  }
  return norm;
}

}  // namespace grpo
