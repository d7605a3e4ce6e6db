// Projections that read the same input (q/k/v; gate/up) keep their weights in one buffer: each
// Proj's weight (and bias) is a row slice of it, so y = x·[W_q; W_k; W_v]ᵀ is one GEMM that copies no
// weights, in decode and in training, and training's backward computes one weight-gradient GEMM.
// Loading and the optimizer write the parameters in place (copy_), so the slices keep aliasing the
// buffer; if anything re-allocates a parameter, grouped_linear notices and runs per-projection GEMMs.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/TensorOptions.h>

#include <vector>

namespace grpo {

struct ProjGroup {
  at::Tensor weight, bias;     // [Σ out, in] and [Σ out] (undefined without bias)
  std::vector<int64_t> sizes;  // out of each member, in order
};

ProjGroup make_proj_group(int64_t in, std::vector<int64_t> outs, bool with_bias, const c10::TensorOptions& options);
// Member i's slice of the buffer: rows [Σ_{j<i} out_j, + out_i).
at::Tensor group_weight_slice(const ProjGroup& g, size_t i);
at::Tensor group_bias_slice(const ProjGroup& g, size_t i);

// x [T, in] -> one [T, out_i] per member. `weights`/`biases` are the members' parameters (the
// autograd leaves); the GEMM reads the group buffer when they still alias it.
std::vector<at::Tensor> grouped_linear(const at::Tensor& x, const ProjGroup& g, const std::vector<at::Tensor>& weights,
                                       const std::vector<at::Tensor>& biases);
// The same before the split: [T, Σ out] (member i in its columns), for a consumer that takes the
// concatenation directly (SwiGLU on [gate | up]) so the backward needs no concatenation either.
at::Tensor grouped_linear_joined(const at::Tensor& x, const ProjGroup& g, const std::vector<at::Tensor>& weights,
                                 const std::vector<at::Tensor>& biases);

}  // namespace grpo
