// AdamW with fp32 master weights: parameters may be bf16 (what the forward runs in) while the
// update happens on fp32 copies, so that small updates (lr 1e-6 · Adam's unit-scale step) are not
// lost to bf16 rounding (8 bits of mantissa). Also global-norm gradient clipping, and a state that
// saves and loads exactly for resume.
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace grpo {

struct AdamWOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

class AdamW {
 public:
  // `params` are the model's leaf tensors (they receive .grad()). Master copies are made for
  // non-fp32 parameters. `names` (same length) key the saved state.
  AdamW(std::vector<at::Tensor> params, std::vector<std::string> names, AdamWOptions opts);

  // Loshchilov & Hutter, arXiv:1711.05101 Algorithm 2 (decoupled weight decay), with bias correction:
  //   m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  θ ← θ − lr·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + eps) − lr·wd·θ
  // Gradients are read in fp32; the updated master weights are copied back to the parameters.
  void step(double lr);
  void zero_grad();
  int64_t steps_taken() const { return step_; }

  // Saves/loads m, v, master weights and the step count (torch::save archive).
  void save(const std::string& path) const;
  void load(const std::string& path);

 private:
  std::vector<at::Tensor> params_, masters_, exp_avg_, exp_avg_sq_;
  std::vector<std::string> names_;
  AdamWOptions opts_;
  int64_t step_ = 0;
};

// Global L2 norm of all gradients (fp32); scales them by max_norm/(norm + 1e-6) when norm > max_norm
// (max_norm ≤ 0: measure only). Returns the norm before clipping; a non-finite norm is returned as
// is and nothing is scaled (the caller skips the step).
double clip_grad_norm(const std::vector<at::Tensor>& params, double max_norm);

}  // namespace grpo
