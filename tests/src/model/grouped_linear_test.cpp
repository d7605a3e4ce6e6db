// Grouped projections against one at::linear per member differentiated by autograd: outputs, the
// input gradient and each member's weight/bias gradient; plus the per-member fallback once a
// parameter no longer aliases the buffer, and the aliasing of a built model's q/k/v and gate/up.
#include "src/model/grouped_linear.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "src/model/causal_lm.h"
#include "src/model/presets.h"
#include "test_util.h"

namespace grpo {
namespace {

struct Members {
  ProjGroup group;
  std::vector<at::Tensor> ws, bs;
};

Members make_members(bool with_bias, const torch::TensorOptions& o) {
  Members m;
  m.group = make_proj_group(6, {4, 2, 3}, with_bias, o);
  torch::NoGradGuard no_grad;
  m.group.weight.copy_(torch::randn(m.group.weight.sizes(), o));
  if (with_bias) m.group.bias.copy_(torch::randn(m.group.bias.sizes(), o));
  for (size_t i = 0; i < 3; ++i) {
    m.ws.push_back(group_weight_slice(m.group, i).requires_grad_(true));
    if (with_bias) m.bs.push_back(group_bias_slice(m.group, i).requires_grad_(true));
  }
  return m;
}

void expect_matches_separate_linears(const Members& m, const torch::TensorOptions& o, double tol) {
  auto x = torch::randn({5, 6}, o).requires_grad_(true);
  auto x_ref = x.detach().clone().requires_grad_(true);
  std::vector<at::Tensor> ws_ref, bs_ref;
  for (size_t i = 0; i < m.ws.size(); ++i) {
    ws_ref.push_back(m.ws[i].detach().clone().requires_grad_(true));
    if (!m.bs.empty()) bs_ref.push_back(m.bs[i].detach().clone().requires_grad_(true));
  }
  const auto ys = grouped_linear(x, m.group, m.ws, m.bs);
  ASSERT_EQ(ys.size(), 3u);
  at::Tensor loss = torch::zeros({}, o), loss_ref = torch::zeros({}, o);
  for (size_t i = 0; i < ys.size(); ++i) {
    auto y_ref = at::linear(x_ref, ws_ref[i], bs_ref.empty() ? at::Tensor() : bs_ref[i]);
    EXPECT_TRUE(torch::allclose(ys[i], y_ref, tol, tol)) << "output " << i;
    auto g = torch::randn(y_ref.sizes(), o);  // a different upstream gradient per member
    loss = loss + (ys[i] * g).sum();
    loss_ref = loss_ref + (y_ref * g).sum();
  }
  loss.backward();
  loss_ref.backward();
  EXPECT_TRUE(torch::allclose(x.grad(), x_ref.grad(), tol, tol));
  for (size_t i = 0; i < m.ws.size(); ++i) {
    EXPECT_TRUE(torch::allclose(m.ws[i].grad(), ws_ref[i].grad(), tol, tol)) << "weight " << i;
    if (!m.bs.empty()) {
      EXPECT_TRUE(torch::allclose(m.bs[i].grad(), bs_ref[i].grad(), tol, tol)) << "bias " << i;
    }
  }
}

TEST(GroupedLinear, MatchesSeparateLinearsWithBias) {
  torch::manual_seed(0);
  auto m = make_members(true, torch::kFloat);
  expect_matches_separate_linears(m, torch::kFloat, 1e-5);
}

TEST(GroupedLinear, MatchesSeparateLinearsWithoutBias) {
  torch::manual_seed(1);
  auto m = make_members(false, torch::kFloat);
  expect_matches_separate_linears(m, torch::kFloat, 1e-5);
}

TEST(GroupedLinear, WithoutGradientReadsTheBuffer) {
  torch::manual_seed(2);
  auto m = make_members(true, torch::kFloat);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({3, 6});
  {  // an in-place update of a member (what the optimizer does) is seen by the grouped GEMM
    m.ws[1].mul_(2.0);
  }
  const auto ys = grouped_linear(x, m.group, m.ws, m.bs);
  EXPECT_TRUE(torch::allclose(ys[1], at::linear(x, m.ws[1], m.bs[1]), 1e-5, 1e-5));
}

TEST(GroupedLinear, FallsBackWhenAParameterStopsAliasing) {
  torch::manual_seed(3);
  auto m = make_members(true, torch::kFloat);
  m.ws[2] = torch::randn({3, 6}).requires_grad_(true);  // re-allocated: no longer rows 6..8 of the buffer
  expect_matches_separate_linears(m, torch::kFloat, 1e-5);
}

TEST(GroupedLinear, ModelProjectionsAliasTheirGroup) {
  auto config = model_preset("tiny");
  CausalLM lm(config, torch::TensorOptions().dtype(torch::kFloat));
  lm->init_weights(0);
  const auto& layer = *lm->model->layers->ptr<DecoderLayerImpl>(0);
  const auto& attn = *layer.self_attn;
  EXPECT_TRUE(attn.q_proj->weight.is_alias_of(attn.qkv.weight));
  EXPECT_TRUE(attn.v_proj->weight.is_alias_of(attn.qkv.weight));
  EXPECT_TRUE(layer.mlp->up_proj->weight.is_alias_of(layer.mlp->gate_up.weight));
  EXPECT_TRUE(torch::equal(attn.k_proj->weight, attn.qkv.weight.narrow(0, config.q_size(), config.kv_size())));
  EXPECT_TRUE(attn.q_proj->weight.requires_grad());
  EXPECT_FALSE(attn.qkv.weight.requires_grad());
}

}  // namespace
}  // namespace grpo
