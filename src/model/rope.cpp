// RoPE frequencies (with linear and llama3 scaling) and their application: the ATen composite (CPU
// path and reference) and the dispatch to the fused CUDA kernel (rope_kernel.cu) with its autograd
// Function. Does not decide where cache rows go (kv_cache.cpp) or what attention reads.
#include "src/model/rope.h"

#include <torch/torch.h>

#include <cmath>

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include "src/model/rope_kernel.h"
#include "src/tensor/device.h"
#endif

namespace grpo {

at::Tensor rope_inv_freq(const ModelConfig& c) {
  const int64_t d = c.head_dim;
  auto exponent = torch::arange(0, d, 2, torch::kLong).to(torch::kFloat) / static_cast<double>(d);
  auto inv = 1.0 / torch::pow(torch::scalar_tensor(c.rope_theta, torch::kFloat), exponent);
  const RopeScaling& s = c.rope_scaling;
  if (s.type == "linear") return inv / s.factor;
  if (s.type == "llama3") {
    // wavelen = 2π/f. wavelen > L/low: divide by factor; wavelen < L/high: keep; in between blend with
    // smooth = (L/wavelen − low)/(high − low): f' = (1 − smooth)·f/factor + smooth·f.
    const double L = static_cast<double>(s.original_max_position_embeddings);
    const double low_wavelen = L / s.low_freq_factor, high_wavelen = L / s.high_freq_factor;
    auto wavelen = 2 * M_PI / inv;
    auto scaled = torch::where(wavelen > low_wavelen, inv / s.factor, inv);
    auto smooth = (L / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
    auto blended = (1 - smooth) * scaled / s.factor + smooth * scaled;
    auto medium = (wavelen >= high_wavelen).logical_and(wavelen <= low_wavelen);
    return torch::where(medium, blended, scaled);
  }
  return inv;
}

RopeTables rope_tables(const at::Tensor& inv_freq, const at::Tensor& positions, c10::ScalarType dtype) {
  auto freqs = positions.to(torch::kFloat).unsqueeze(1) * inv_freq.to(positions.device()).unsqueeze(0);  // [T, D/2]
  auto emb = torch::cat({freqs, freqs}, -1).unsqueeze(1);                                                 // [T, 1, D]
  return RopeTables{emb.cos().to(dtype), emb.sin().to(dtype)};
}

at::Tensor apply_rope_reference(const at::Tensor& x, const RopeTables& t) {
  const int64_t half = x.size(-1) / 2;
  auto rotated = torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * t.cos + rotated * t.sin;
}

#ifdef GRPO_WITH_CUDA
namespace {

// x [T, heads, D] as the kernel reads it: token rows of heads·D contiguous elements.
bool token_rows(const at::Tensor& x, const at::Tensor& like, int64_t T, int64_t D) {
  return x.dim() == 3 && x.size(0) == T && x.size(2) == D && x.stride(2) == 1 && (x.size(1) == 1 || x.stride(1) == D) &&
         x.stride(0) >= 0 && x.scalar_type() == like.scalar_type() && x.device() == like.device();
}

// Whether the kernel takes q, k and the tables (the checks common to both entries).
bool fusable(const at::Tensor& q, const at::Tensor& k, const RopeTables& t) {
  if (!q.is_cuda() || !fused_kernels_enabled() || !kernel_dtype(q.scalar_type()) || q.dim() != 3) return false;
  const int64_t T = q.size(0), D = q.size(2);
  const auto table_ok = [&](const at::Tensor& c) {
    return c.defined() && c.is_contiguous() && c.numel() == T * D && c.size(-1) == D && c.size(0) == T &&
           c.scalar_type() == q.scalar_type() && c.device() == q.device() && !c.requires_grad();
  };
  return D % 2 == 0 && token_rows(q, q, T, D) && token_rows(k, q, T, D) && table_ok(t.cos) && table_ok(t.sin);
}

RopeKernelArgs kernel_args(const at::Tensor& q, const at::Tensor& k, const at::Tensor& cos, const at::Tensor& sin) {
  RopeKernelArgs a;
  a.q = q.data_ptr(), a.k = k.data_ptr(), a.q_row = q.stride(0), a.k_row = k.stride(0);
  a.cos = cos.data_ptr(), a.sin = sin.data_ptr();
  a.tokens = q.size(0), a.heads = q.size(1), a.kv_heads = k.size(1), a.head_dim = q.size(2);
  a.dtype = *kernel_dtype(q.scalar_type());
  return a;
}

void launch_on(const RopeKernelArgs& a, const at::Tensor& like) {
  c10::cuda::CUDAGuard guard(like.device());
  launch_rope(a, at::cuda::getCurrentCUDAStream(like.device().index()));
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

// One launch: (q, k) -> contiguous (q', k'); inverse rotates by −θ (the backward).
RotatedQK fused_rotate(const at::Tensor& q, const at::Tensor& k, const at::Tensor& cos, const at::Tensor& sin,
                       bool inverse) {
  RotatedQK out{at::empty(q.sizes(), q.options()), at::empty(k.sizes(), k.options())};
  RopeKernelArgs a = kernel_args(q, k, cos, sin);
  a.q_out = out.q.data_ptr(), a.k_out = out.k.data_ptr(), a.out_rows = q.size(0);
  a.inverse = inverse;
  launch_on(a, q);
  return out;
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// y = x·c + R(x)·s is linear in x, so dL/dx = ȳ·c + Rᵀ(ȳ·s): the same kernel with inverse = true.
// Unused outputs get zero gradients (autograd materialises them before backward).
struct FusedRope : torch::autograd::Function<FusedRope> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k, const at::Tensor& cos,
                               const at::Tensor& sin) {
    ctx->save_for_backward({cos, sin});
    const auto out = fused_rotate(q, k, cos, sin, /*inverse=*/false);
    return {out.q, out.k};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto& cos = saved[0];
    auto gq = grads[0], gk = grads[1];
    const int64_t T = gq.size(0), D = gq.size(2);
    if (!token_rows(gq, cos, T, D)) gq = gq.to(cos.scalar_type()).contiguous();
    if (!token_rows(gk, cos, T, D)) gk = gk.to(cos.scalar_type()).contiguous();
    const auto g = fused_rotate(gq, gk, cos, saved[1], /*inverse=*/true);
    return {g.q, g.k, at::Tensor(), at::Tensor()};
  }
};

}  // namespace
#endif

RotatedQK apply_rope(const at::Tensor& q, const at::Tensor& k, const RopeTables& t) {
#ifdef GRPO_WITH_CUDA
  if (fusable(q, k, t)) {
    const bool needs_grad = at::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad());
    if (!needs_grad) return fused_rotate(q, k, t.cos, t.sin, /*inverse=*/false);
    const auto out = FusedRope::apply(q, k, t.cos, t.sin);
    return {out[0], out[1]};
  }
#endif
  return {apply_rope_reference(q, t), apply_rope_reference(k, t)};
}

at::Tensor rope_cache_write(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const RopeTables& t,
                            at::Tensor& k_cache, at::Tensor& v_cache, const at::Tensor& write_index) {
  TORCH_CHECK(k.dim() == 3 && v.sizes() == k.sizes() && k_cache.dim() == 4 && k_cache.sizes() == v_cache.sizes() &&
                  k_cache.size(2) == k.size(1) && k_cache.size(3) == k.size(2) && write_index.numel() == k.size(0),
              "rope_cache_write: k ", k.sizes(), ", v ", v.sizes(), ", write_index ", write_index.sizes(),
              " do not fit the layer cache ", k_cache.sizes());
#ifdef GRPO_WITH_CUDA
  const bool needs_grad = at::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
  const auto cache_ok = [&](const at::Tensor& c) {
    return c.is_contiguous() && c.scalar_type() == q.scalar_type() && c.device() == q.device();
  };
  if (!needs_grad && fusable(q, k, t) && token_rows(v, q, q.size(0), q.size(2)) && cache_ok(k_cache) &&
      cache_ok(v_cache) && write_index.scalar_type() == at::kLong && write_index.is_contiguous() &&
      write_index.device() == q.device()) {
    auto q_out = at::empty(q.sizes(), q.options());
    RopeKernelArgs a = kernel_args(q, k, t.cos, t.sin);
    a.v = v.data_ptr(), a.v_row = v.stride(0);
    a.q_out = q_out.data_ptr(), a.k_out = k_cache.data_ptr(), a.v_out = v_cache.data_ptr();
    a.write_index = write_index.data_ptr<int64_t>(), a.out_rows = k_cache.size(0) * k_cache.size(1);
    launch_on(a, q);
    return q_out;
  }
#endif
  const std::vector<int64_t> flat{-1, k.size(1), k.size(2)};
  k_cache.view(flat).index_copy_(0, write_index, apply_rope_reference(k, t).detach().to(k_cache.scalar_type()));
  v_cache.view(flat).index_copy_(0, write_index, v.detach().to(v_cache.scalar_type()));
  return apply_rope_reference(q, t);
}

}  // namespace grpo
