// k3 KL estimator (see kl.h).
#include "trainer/kl.h"

#include <torch/torch.h>

namespace grpo {

at::Tensor kl_k3(const at::Tensor& logp, const at::Tensor& logp_ref) {
  TORCH_CHECK(logp.sizes() == logp_ref.sizes(), "kl_k3: logp ", logp.sizes(), " and logp_ref ", logp_ref.sizes(),
              " must have the same shape");
  const auto delta = logp_ref - logp;
  return torch::exp(delta) - delta - 1;
}

}  // namespace grpo
