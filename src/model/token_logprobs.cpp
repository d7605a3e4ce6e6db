// Chunked log-softmax gather with a hand-written backward. With p = softmax(z), for one token:
//   ∂logp_t/∂z = onehot(t) − p
//   ∂H/∂z_k    = −p_k (log p_k + H)      (H = −Σ p log p)
// so grad_z = g_lp·(onehot − p) − g_H·p·(log p + H), then grad_h = grad_z·W, grad_W = grad_zᵀ·h.
// With a sampling temperature τ the distribution is softmax(z/τ): z is scaled by 1/τ before the
// softmax, and grad_z by 1/τ after (chain rule through the scaling).
// On CUDA the per-chunk statistics and grad_z come from one fused kernel each (logprob_head_kernel.cu,
// one read of the model-dtype logits, no fp32 copies); the ATen composite is the CPU path and the reference.
#include "src/model/token_logprobs.h"

#include <torch/torch.h>

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>

#include "src/tensor/device.h"
#include "src/tensor/logprob_head_kernel.h"
#endif

namespace grpo {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct ChunkStats {
  at::Tensor lse, target_logit, entropy;
};

ChunkStats chunk_stats(const at::Tensor& h, const at::Tensor& w, const at::Tensor& t, bool with_entropy,
                       double inv_temperature) {
  auto z = at::linear(h, w).to(torch::kFloat);  // [c, V]
  if (inv_temperature != 1.0) z.mul_(inv_temperature);
  ChunkStats s;
  s.lse = z.logsumexp(-1);
  s.target_logit = z.gather(1, t.unsqueeze(1)).squeeze(1);
  if (with_entropy) s.entropy = s.lse - (torch::softmax(z, -1) * z).sum(-1);
  return s;
}

// The fused kernels take CUDA tensors of one float dtype; anything else runs the composite.
bool fused_applies(const at::Tensor& hidden, const at::Tensor& weight) {
#ifdef GRPO_WITH_CUDA
  return hidden.is_cuda() && weight.is_cuda() && fused_kernels_enabled() &&
         hidden.scalar_type() == weight.scalar_type() && kernel_dtype(hidden.scalar_type()).has_value();
#else
  (void)hidden, (void)weight;
  return false;
#endif
}

#ifdef GRPO_WITH_CUDA
// z [n, V] model dtype (contiguous, from at::linear) -> lp, lse, entropy (when defined) of its rows.
void fused_chunk_forward(const at::Tensor& z, const at::Tensor& t, double inv_temperature, at::Tensor lp,
                         at::Tensor lse, at::Tensor ent) {
  LogProbHeadForwardArgs a;
  a.logits = z.data_ptr();
  a.rows = z.size(0), a.vocab = z.size(1), a.row_stride = z.stride(0);
  a.dtype = *kernel_dtype(z.scalar_type());
  a.targets = t.data_ptr<int64_t>();
  a.inv_temperature = static_cast<float>(inv_temperature);
  a.logprob = lp.data_ptr<float>(), a.lse = lse.data_ptr<float>();
  a.entropy = ent.defined() ? ent.data_ptr<float>() : nullptr;
  launch_logprob_head_forward(a, at::cuda::getCurrentCUDAStream());
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

// Overwrites z [n, V] with grad_z (same dtype): the logits are dead after this, so no second [n, V] buffer.
void fused_chunk_grad_in_place(at::Tensor& z, const at::Tensor& t, const at::Tensor& lse, const at::Tensor& g_lp,
                               const at::Tensor& g_ent, const at::Tensor& ent, double inv_temperature) {
  LogProbHeadBackwardArgs a;
  a.logits = z.data_ptr();
  a.rows = z.size(0), a.vocab = z.size(1), a.row_stride = z.stride(0);
  a.dtype = *kernel_dtype(z.scalar_type());
  a.targets = t.data_ptr<int64_t>();
  a.lse = lse.data_ptr<float>();
  a.g_lp = g_lp.defined() ? g_lp.data_ptr<float>() : nullptr;
  a.g_ent = g_ent.defined() ? g_ent.data_ptr<float>() : nullptr;
  a.entropy = g_ent.defined() ? ent.data_ptr<float>() : nullptr;
  a.inv_temperature = static_cast<float>(inv_temperature);
  a.grad_logits = z.data_ptr(), a.grad_row_stride = z.stride(0);
  launch_logprob_head_backward(a, at::cuda::getCurrentCUDAStream());
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}
#endif

// One chunk of the composite forward, written into the outputs' slices.
void composite_chunk_forward(const at::Tensor& h, const at::Tensor& w, const at::Tensor& t, double inv_temperature,
                             at::Tensor lp, at::Tensor lse, at::Tensor ent) {
  auto st = chunk_stats(h, w, t, ent.defined(), inv_temperature);
  lp.copy_(st.target_logit - st.lse);
  lse.copy_(st.lse);
  if (ent.defined()) ent.copy_(st.entropy);
}

// One chunk of the composite backward: grad_z in fp32, rounded to the model dtype for both GEMMs;
// grad_W's bf16 product is added to the fp32 accumulator.
void composite_chunk_backward(const at::Tensor& h, const at::Tensor& w, const at::Tensor& t, const at::Tensor& lse,
                              const at::Tensor& g_lp, const at::Tensor& g_ent, const at::Tensor& ent,
                              double inv_temperature, at::Tensor grad_h, at::Tensor& grad_w) {
  auto z = at::linear(h, w).to(torch::kFloat);
  if (inv_temperature != 1.0) z.mul_(inv_temperature);
  auto logp = z - lse.unsqueeze(1);
  auto p = logp.exp();
  const auto g = g_lp.defined() ? g_lp : torch::zeros_like(lse);
  auto gz = p * (-g.unsqueeze(1));
  gz.scatter_add_(1, t.unsqueeze(1), g.unsqueeze(1));
  if (g_ent.defined()) gz -= g_ent.unsqueeze(1) * p * (logp + ent.unsqueeze(1));
  if (inv_temperature != 1.0) gz.mul_(inv_temperature);
  auto gz_low = gz.to(h.scalar_type());
  grad_h.copy_(at::matmul(gz_low, w));
  grad_w.add_(at::matmul(gz_low.t(), h));  // low-precision GEMM, fp32 accumulation across chunks
}

struct ChunkedLogProbs : public torch::autograd::Function<ChunkedLogProbs> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& hidden, const at::Tensor& weight,
                               const at::Tensor& targets, bool with_entropy, int64_t chunk, double inv_temperature,
                               bool fused) {
    const int64_t T = hidden.size(0);
    auto lp = torch::empty({T}, hidden.options().dtype(torch::kFloat));
    auto ent = with_entropy ? torch::empty({T}, lp.options()) : torch::zeros({0}, lp.options());
    auto lse = torch::empty({T}, lp.options());
    for (int64_t s = 0; s < T; s += chunk) {
      const int64_t n = std::min(chunk, T - s);
      const auto h = hidden.narrow(0, s, n), t = targets.narrow(0, s, n);
      const auto ent_n = with_entropy ? ent.narrow(0, s, n) : at::Tensor();
#ifdef GRPO_WITH_CUDA
      if (fused) {
        fused_chunk_forward(at::linear(h, weight), t, inv_temperature, lp.narrow(0, s, n), lse.narrow(0, s, n), ent_n);
        continue;
      }
#endif
      composite_chunk_forward(h, weight, t, inv_temperature, lp.narrow(0, s, n), lse.narrow(0, s, n), ent_n);
    }
    ctx->save_for_backward({hidden, weight, targets, lse, ent});
    ctx->saved_data["chunk"] = chunk;
    ctx->saved_data["entropy"] = with_entropy;
    ctx->saved_data["inv_temperature"] = inv_temperature;
    ctx->saved_data["fused"] = fused;
    ctx->mark_non_differentiable({lse});
    return {lp, ent, lse};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &hidden = saved[0], &weight = saved[1], &targets = saved[2], &lse = saved[3], &ent = saved[4];
    const int64_t chunk = ctx->saved_data["chunk"].toInt();
    const bool with_entropy = ctx->saved_data["entropy"].toBool();
    const double inv_temperature = ctx->saved_data["inv_temperature"].toDouble();
    [[maybe_unused]] const bool fused = ctx->saved_data["fused"].toBool();  // always false without nvcc
    // Autograd may hand an expanded (stride-0) gradient; the kernels read [T] fp32 contiguous.
    const auto g_lp = grads[0].defined() ? grads[0].to(torch::kFloat).contiguous() : at::Tensor();
    const auto g_ent = with_entropy && grads[1].defined() ? grads[1].to(torch::kFloat).contiguous() : at::Tensor();
    const int64_t T = hidden.size(0);
    auto grad_h = torch::empty(hidden.sizes(), hidden.options());
    auto grad_w = torch::zeros(weight.sizes(), weight.options().dtype(torch::kFloat));
    for (int64_t s = 0; s < T; s += chunk) {
      const int64_t n = std::min(chunk, T - s);
      const auto h = hidden.narrow(0, s, n), t = targets.narrow(0, s, n), lse_n = lse.narrow(0, s, n);
      const auto g_lp_n = g_lp.defined() ? g_lp.narrow(0, s, n) : at::Tensor();
      const auto g_ent_n = g_ent.defined() ? g_ent.narrow(0, s, n) : at::Tensor();
      const auto ent_n = g_ent.defined() ? ent.narrow(0, s, n) : at::Tensor();
#ifdef GRPO_WITH_CUDA
      if (fused) {
        auto gz = at::linear(h, weight);  // recomputed logits, overwritten by grad_z in the model dtype
        fused_chunk_grad_in_place(gz, t, lse_n, g_lp_n, g_ent_n, ent_n, inv_temperature);
        auto grad_h_n = grad_h.narrow(0, s, n);
        at::mm_out(grad_h_n, gz, weight);
        // grad_W += grad_zᵀ·h inside the GEMM: fp32 output, so the product is not rounded to bf16 first.
        if (gz.scalar_type() == torch::kFloat)
          at::addmm_out(grad_w, grad_w, gz.t(), h);
        else
          at::addmm_out(grad_w, grad_w, gz.t(), h, torch::kFloat);
        continue;
      }
#endif
      composite_chunk_backward(h, weight, t, lse_n, g_lp_n, g_ent_n, ent_n, inv_temperature, grad_h.narrow(0, s, n),
                               grad_w);
    }
    return {grad_h, grad_w.to(weight.scalar_type()), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(),
            at::Tensor()};
  }
};

TokenLogProbs run(const at::Tensor& hidden, const at::Tensor& lm_head, const at::Tensor& targets, bool with_entropy,
                  int64_t chunk_tokens, double temperature, bool fused) {
  TORCH_CHECK(hidden.dim() == 2 && lm_head.dim() == 2 && hidden.size(1) == lm_head.size(1),
              "token_logprobs: hidden [T, E] and lm_head [V, E] expected, got ", hidden.sizes(), " and ", lm_head.sizes());
  TORCH_CHECK(targets.dim() == 1 && targets.size(0) == hidden.size(0), "token_logprobs: targets must be [T], got ",
              targets.sizes());
  TORCH_CHECK(temperature > 0, "token_logprobs: temperature must be > 0, got ", temperature);
  const auto t = targets.to(hidden.device(), torch::kLong).contiguous();
  auto out = ChunkedLogProbs::apply(hidden, lm_head, t, with_entropy, std::max<int64_t>(1, chunk_tokens),
                                    1.0 / temperature, fused);
  TokenLogProbs r;
  r.logprobs = out[0];
  if (with_entropy) r.entropy = out[1];
  return r;
}

}  // namespace

TokenLogProbs chunked_token_logprobs(const at::Tensor& hidden, const at::Tensor& lm_head, const at::Tensor& targets,
                                     bool with_entropy, int64_t chunk_tokens, double temperature) {
  return run(hidden, lm_head, targets, with_entropy, chunk_tokens, temperature, fused_applies(hidden, lm_head));
}

TokenLogProbs chunked_token_logprobs_reference(const at::Tensor& hidden, const at::Tensor& lm_head,
                                               const at::Tensor& targets, bool with_entropy, int64_t chunk_tokens,
                                               double temperature) {
  return run(hidden, lm_head, targets, with_entropy, chunk_tokens, temperature, false);
}

}  // namespace grpo
