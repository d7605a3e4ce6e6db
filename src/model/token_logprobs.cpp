// Chunked log-softmax gather with a hand-written backward. With p = softmax(z), for one token:
//   ∂logp_t/∂z = onehot(t) − p
//   ∂H/∂z_k    = −p_k (log p_k + H)      (H = −Σ p log p)
// so grad_z = g_lp·(onehot − p) − g_H·p·(log p + H), then grad_h = grad_z·W, grad_W = grad_zᵀ·h.
// With a sampling temperature τ the distribution is softmax(z/τ): z is scaled by 1/τ before the
// softmax, and grad_z by 1/τ after (chain rule through the scaling).
#include "src/model/token_logprobs.h"

#include <torch/torch.h>

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

struct ChunkedLogProbs : public torch::autograd::Function<ChunkedLogProbs> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& hidden, const at::Tensor& weight,
                               const at::Tensor& targets, bool with_entropy, int64_t chunk, double inv_temperature) {
    const int64_t T = hidden.size(0);
    auto lp = torch::empty({T}, hidden.options().dtype(torch::kFloat));
    auto ent = with_entropy ? torch::empty({T}, lp.options()) : torch::zeros({0}, lp.options());
    auto lse = torch::empty({T}, lp.options());
    for (int64_t s = 0; s < T; s += chunk) {
      const int64_t n = std::min(chunk, T - s);
      auto st = chunk_stats(hidden.narrow(0, s, n), weight, targets.narrow(0, s, n), with_entropy, inv_temperature);
      lp.narrow(0, s, n).copy_(st.target_logit - st.lse);
      lse.narrow(0, s, n).copy_(st.lse);
      if (with_entropy) ent.narrow(0, s, n).copy_(st.entropy);
    }
    ctx->save_for_backward({hidden, weight, targets, lse, ent});
    ctx->saved_data["chunk"] = chunk;
    ctx->saved_data["entropy"] = with_entropy;
    ctx->saved_data["inv_temperature"] = inv_temperature;
    ctx->mark_non_differentiable({lse});
    return {lp, ent, lse};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &hidden = saved[0], &weight = saved[1], &targets = saved[2], &lse = saved[3], &ent = saved[4];
    const int64_t chunk = ctx->saved_data["chunk"].toInt();
    const bool with_entropy = ctx->saved_data["entropy"].toBool();
    const double inv_temperature = ctx->saved_data["inv_temperature"].toDouble();
    const auto g_lp = grads[0].defined() ? grads[0] : torch::zeros_like(lse);
    const bool g_ent = with_entropy && grads[1].defined();
    const int64_t T = hidden.size(0);
    auto grad_h = torch::empty_like(hidden);
    auto grad_w = torch::zeros(weight.sizes(), weight.options().dtype(torch::kFloat));
    for (int64_t s = 0; s < T; s += chunk) {
      const int64_t n = std::min(chunk, T - s);
      auto h = hidden.narrow(0, s, n);
      auto z = at::linear(h, weight).to(torch::kFloat);
      if (inv_temperature != 1.0) z.mul_(inv_temperature);
      auto logp = z - lse.narrow(0, s, n).unsqueeze(1);
      auto p = logp.exp();
      auto gz = p * (-g_lp.narrow(0, s, n).unsqueeze(1));
      gz.scatter_add_(1, targets.narrow(0, s, n).unsqueeze(1), g_lp.narrow(0, s, n).unsqueeze(1));
      if (g_ent) gz -= grads[1].narrow(0, s, n).unsqueeze(1) * p * (logp + ent.narrow(0, s, n).unsqueeze(1));
      if (inv_temperature != 1.0) gz.mul_(inv_temperature);
      auto gz_low = gz.to(hidden.scalar_type());
      grad_h.narrow(0, s, n).copy_(at::matmul(gz_low, weight));
      grad_w.add_(at::matmul(gz_low.t(), h));  // low-precision GEMM, fp32 accumulation across chunks
    }
    return {grad_h, grad_w.to(weight.scalar_type()), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

TokenLogProbs chunked_token_logprobs(const at::Tensor& hidden, const at::Tensor& lm_head, const at::Tensor& targets,
                                     bool with_entropy, int64_t chunk_tokens, double temperature) {
  TORCH_CHECK(hidden.dim() == 2 && lm_head.dim() == 2 && hidden.size(1) == lm_head.size(1),
              "token_logprobs: hidden [T, E] and lm_head [V, E] expected, got ", hidden.sizes(), " and ", lm_head.sizes());
  TORCH_CHECK(targets.dim() == 1 && targets.size(0) == hidden.size(0), "token_logprobs: targets must be [T], got ",
              targets.sizes());
  TORCH_CHECK(temperature > 0, "token_logprobs: temperature must be > 0, got ", temperature);
  const auto t = targets.to(hidden.device(), torch::kLong);
  auto out = ChunkedLogProbs::apply(hidden, lm_head, t, with_entropy, std::max<int64_t>(1, chunk_tokens), 1.0 / temperature);
  TokenLogProbs r;
  r.logprobs = out[0];
  if (with_entropy) r.entropy = out[1];
  return r;
}

}  // namespace grpo
