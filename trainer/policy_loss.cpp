// Clipped GRPO surrogate (see policy_loss.h for the equation).
#include "trainer/policy_loss.h"

#include <torch/torch.h>

#include "trainer/kl.h"

namespace grpo {

PolicyLossOutput clipped_policy_loss(const PolicyLossInputs& in, const ClipOptions& opts) {
  TORCH_CHECK(in.logp.dim() == 2, "clipped_policy_loss: logp must be [N, T], got ", in.logp.sizes());
  TORCH_CHECK(in.mask.sizes() == in.logp.sizes(), "clipped_policy_loss: mask ", in.mask.sizes(), " != logp ",
              in.logp.sizes());
  TORCH_CHECK(in.advantages.dim() == 1 && in.advantages.size(0) == in.logp.size(0),
              "clipped_policy_loss: advantages must be [N] with N = ", in.logp.size(0), ", got ", in.advantages.sizes());
  TORCH_CHECK(opts.beta == 0.0 || in.logp_ref.defined(), "clipped_policy_loss: beta > 0 needs logp_ref");

  const auto logp_old = in.logp_old.defined() ? in.logp_old : in.logp.detach();
  const auto adv = in.advantages.to(in.logp.scalar_type()).unsqueeze(1);  // [N, 1]
  const auto ratio = torch::exp(in.logp - logp_old);
  const auto clipped = torch::clamp(ratio, 1 - opts.eps_low, 1 + opts.eps_high);
  const auto unclipped = opts.ratio_cap > 0 ? torch::clamp_max(ratio, opts.ratio_cap) : ratio;
  auto loss = -torch::min(unclipped * adv, clipped * adv);
  if (opts.dual_clip_c > 0) {
    loss = torch::where(adv < 0, torch::min(loss, -opts.dual_clip_c * adv), loss);
  }
  if (in.is_weights.defined()) loss = loss * in.is_weights;

  const auto mask = in.mask.to(in.logp.scalar_type());
  PolicyLossOutput out;
  torch::Tensor kl;
  if (opts.beta != 0.0) {
    kl = kl_k3(in.logp, in.logp_ref);
    loss = loss + opts.beta * kl;
  }
  out.per_token_loss = loss;

  torch::NoGradGuard no_grad;
  const auto r = ratio.detach();
  const auto low = (r < 1 - opts.eps_low) & (adv < 0);
  const auto high = (r > 1 + opts.eps_high) & (adv > 0);
  out.stats.tokens = mask.sum();
  out.stats.clip_low = (low.to(mask.scalar_type()) * mask).sum();
  out.stats.clip_high = (high.to(mask.scalar_type()) * mask).sum();
  out.stats.clip_region = ((low | high).to(mask.scalar_type()) * mask).sum();
  out.stats.ratio = (r * mask).sum();
  out.stats.kl = kl.defined() ? (kl.detach() * mask).sum() : torch::zeros({}, mask.options());
  return out;
}

}  // namespace grpo
