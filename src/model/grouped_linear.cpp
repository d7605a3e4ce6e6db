// One GEMM for a group of projections over a shared weight buffer, with a hand-written backward:
//   y = x·Wᵀ + b  (W = [W_0; …; W_n] rows),  ∂x = g·W,  ∂W = gᵀ·x  (then ∂W_i = its rows),  ∂b = Σ_t g.
#include "src/model/grouped_linear.h"

#include <torch/torch.h>

#include <numeric>

namespace grpo {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

int64_t row_offset(const ProjGroup& g, size_t i) {
  return std::accumulate(g.sizes.begin(), g.sizes.begin() + static_cast<std::ptrdiff_t>(i), int64_t{0});
}

// True when `part` is exactly rows [row, row + part.size(0)) of `whole` (same storage, contiguous).
bool is_row_slice(const at::Tensor& part, const at::Tensor& whole, int64_t row) {
  return part.defined() && part.is_alias_of(whole) && part.is_contiguous() && part.dim() == whole.dim() &&
         part.storage_offset() == whole.storage_offset() + row * (whole.dim() == 2 ? whole.stride(0) : 1);
}

bool members_alias_group(const ProjGroup& g, const std::vector<at::Tensor>& ws, const std::vector<at::Tensor>& bs) {
  if (ws.size() != g.sizes.size() || bs.size() != (g.bias.defined() ? ws.size() : 0)) return false;
  for (size_t i = 0; i < g.sizes.size(); ++i) {
    if (!is_row_slice(ws[i], g.weight, row_offset(g, i))) return false;
    if (g.bias.defined() && !is_row_slice(bs[i], g.bias, row_offset(g, i))) return false;
  }
  return true;
}

struct GroupedLinearFn : public torch::autograd::Function<GroupedLinearFn> {
  // weights/biases are inputs only so that autograd routes their gradients; the GEMM reads the buffers.
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, at::TensorList weights, at::TensorList biases,
                            const at::Tensor& flat_w, const std::optional<at::Tensor>& flat_b) {
    ctx->save_for_backward({x, flat_w});
    ctx->saved_data["members"] = static_cast<int64_t>(weights.size());
    ctx->saved_data["biases"] = static_cast<int64_t>(biases.size());
    std::vector<int64_t> sizes;
    for (const auto& w : weights) sizes.push_back(w.size(0));
    ctx->saved_data["sizes"] = sizes;
    return at::linear(x, flat_w, flat_b.has_value() ? *flat_b : at::Tensor());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &flat_w = saved[1];
    const auto sizes = ctx->saved_data["sizes"].toIntVector();
    const int64_t n_bias = ctx->saved_data["biases"].toInt();
    const auto g = grads[0].reshape({-1, grads[0].size(-1)});
    const auto x2 = x.reshape({-1, x.size(-1)});
    variable_list out;
    out.push_back(ctx->needs_input_grad(0) ? g.mm(flat_w).view(x.sizes()) : at::Tensor());
    const auto grad_w = g.t().mm(x2);  // [Σ out, in]
    const auto grad_b = n_bias > 0 ? g.sum(0) : at::Tensor();
    int64_t row = 0;
    for (int64_t s : sizes) {
      out.push_back(grad_w.narrow(0, row, s));
      row += s;
    }
    row = 0;
    for (int64_t i = 0; i < n_bias; ++i) {
      out.push_back(grad_b.narrow(0, row, sizes[i]));
      row += sizes[i];
    }
    out.push_back(at::Tensor());  // flat_w
    out.push_back(at::Tensor());  // flat_b
    return out;
  }
};

}  // namespace

ProjGroup make_proj_group(int64_t in, std::vector<int64_t> outs, bool with_bias, const c10::TensorOptions& options) {
  const int64_t total = std::accumulate(outs.begin(), outs.end(), int64_t{0});
  ProjGroup g;
  g.weight = torch::empty({total, in}, options);
  if (with_bias) g.bias = torch::empty({total}, options);
  g.sizes = std::move(outs);
  return g;
}

at::Tensor group_weight_slice(const ProjGroup& g, size_t i) {
  return g.weight.narrow(0, row_offset(g, i), g.sizes[i]).detach();
}

at::Tensor group_bias_slice(const ProjGroup& g, size_t i) {
  return g.bias.defined() ? g.bias.narrow(0, row_offset(g, i), g.sizes[i]).detach() : at::Tensor();
}

at::Tensor grouped_linear_joined(const at::Tensor& x, const ProjGroup& g, const std::vector<at::Tensor>& ws,
                                 const std::vector<at::Tensor>& bs) {
  const bool with_bias = !bs.empty();
  if (!members_alias_group(g, ws, bs)) {  // a parameter was re-allocated: one GEMM per member
    std::vector<at::Tensor> out;
    for (size_t i = 0; i < ws.size(); ++i) out.push_back(at::linear(x, ws[i], with_bias ? bs[i] : at::Tensor()));
    return torch::cat(out, -1);
  }
  bool needs_grad = at::GradMode::is_enabled() && x.requires_grad();
  for (const auto& w : ws) needs_grad = needs_grad || (at::GradMode::is_enabled() && w.requires_grad());
  at::Tensor y;
  if (needs_grad) {
    y = GroupedLinearFn::apply(x, at::TensorList(ws), at::TensorList(bs), g.weight.detach(),
                               with_bias ? std::optional<at::Tensor>(g.bias.detach()) : std::nullopt);
  } else {
    y = at::linear(x, g.weight, with_bias ? g.bias : at::Tensor());
  }
  return y;
}

std::vector<at::Tensor> grouped_linear(const at::Tensor& x, const ProjGroup& g, const std::vector<at::Tensor>& ws,
                                       const std::vector<at::Tensor>& bs) {
  return grouped_linear_joined(x, g, ws, bs).split_with_sizes(g.sizes, -1);
}

}  // namespace grpo
