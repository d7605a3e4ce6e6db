// The clipped GRPO objective and its aggregation against TRL's own GRPOTrainer._compute_loss
// (tests/trainer/oracle_trl_loss.py), plus hand-computed values and the closed-form gradient.
#include "trainer/policy_loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "src/util/error.h"
#include "test_util.h"
#include "trainer/aggregate.h"

namespace grpo {
namespace {

torch::Tensor from_json(const nlohmann::json& v, torch::ScalarType type = torch::kDouble) {
  std::vector<double> flat;
  std::vector<int64_t> shape{static_cast<int64_t>(v.size())};
  if (v[0].is_array()) {
    shape.push_back(static_cast<int64_t>(v[0].size()));
    for (const auto& row : v)
      for (const auto& x : row) flat.push_back(x.get<double>());
  } else {
    for (const auto& x : v) flat.push_back(x.get<double>());
  }
  return torch::tensor(flat, torch::kDouble).reshape(shape).to(type);
}

TEST(PolicyLoss, MatchesTrlForEveryLossType) {
  std::ifstream in(test::testdata_dir() / "trl_loss_cases.json");
  ASSERT_TRUE(in) << "oracle data missing: run through ctest";
  const auto data = nlohmann::json::parse(in);
  ASSERT_EQ(data["cases"].size(), 24u);
  for (const auto& c : data["cases"]) {
    SCOPED_TRACE(c["loss_type"].get<std::string>() + " beta=" + std::to_string(c["beta"].get<double>()));
    PolicyLossInputs in;
    in.logp = from_json(c["logp"]).requires_grad_(true);
    in.logp_old = from_json(c["logp_old"]);
    in.logp_ref = from_json(c["logp_ref"]);
    in.advantages = from_json(c["advantages"]);
    in.mask = from_json(c["mask"]);
    ClipOptions clip;
    clip.eps_low = c["eps_low"];
    clip.eps_high = c["eps_high"];
    clip.ratio_cap = c["delta"];
    clip.beta = c["beta"];
    const auto out = clipped_policy_loss(in, clip);
    AggregateOptions agg;
    agg.mode = parse_loss_aggregation(c["loss_type"]);
    agg.num_sequences = static_cast<double>(in.logp.size(0));
    agg.num_tokens = in.mask.sum().item<double>();
    agg.max_completion_length = c["max_completion_length"];
    const auto loss = aggregate_loss(out.per_token_loss, in.mask, agg);
    EXPECT_NEAR(loss.item<double>(), c["loss"].get<double>(), 1e-12);
    loss.backward();
    EXPECT_LT((in.logp.grad() - from_json(c["grad"])).abs().max().item<double>(), 1e-12);
    // TRL averages the clip indicators in float32 (`.float()`), hence 1e-6 rather than 1e-12.
    const double tokens = out.stats.tokens.item<double>();
    EXPECT_NEAR(out.stats.clip_low.item<double>() / tokens, c["clip_low"].get<double>(), 1e-6);
    EXPECT_NEAR(out.stats.clip_high.item<double>() / tokens, c["clip_high"].get<double>(), 1e-6);
    EXPECT_NEAR(out.stats.clip_region.item<double>() / tokens, c["clip_region"].get<double>(), 1e-6);
    EXPECT_NEAR(out.stats.kl.item<double>() / tokens, c["kl"].get<double>(), 1e-12);
  }
}

TEST(PolicyLoss, HandComputedClipping) {
  // One sequence, three tokens, Â = +1, eps = 0.2. ρ = e^{0.5} ≈ 1.6487 (clipped to 1.2 -> loss −1.2),
  // ρ = 1 (loss −1), ρ = e^{−0.5} ≈ 0.6065 (min picks the unclipped 0.6065 -> loss −0.6065).
  PolicyLossInputs in;
  in.logp = torch::tensor({{-1.0, -1.0, -1.0}}, torch::kDouble);
  in.logp_old = torch::tensor({{-1.5, -1.0, -0.5}}, torch::kDouble);
  in.advantages = torch::tensor({1.0}, torch::kDouble);
  in.mask = torch::ones({1, 3}, torch::kDouble);
  const auto out = clipped_policy_loss(in, ClipOptions{});
  EXPECT_NEAR(out.per_token_loss[0][0].item<double>(), -1.2, 1e-12);
  EXPECT_NEAR(out.per_token_loss[0][1].item<double>(), -1.0, 1e-12);
  EXPECT_NEAR(out.per_token_loss[0][2].item<double>(), -std::exp(-0.5), 1e-12);
  EXPECT_EQ(out.stats.clip_high.item<double>(), 1.0);
  EXPECT_EQ(out.stats.clip_low.item<double>(), 0.0);  // ρ < 0.8 but Â > 0: not a clip event

  // Dual clip, Â = −1, c = 3: ρ = e^{2} ≈ 7.389 gives −min(−7.389, −1.2) = 7.389, capped at −c·Â = 3.
  in.logp = torch::tensor({{1.0}}, torch::kDouble);
  in.logp_old = torch::tensor({{-1.0}}, torch::kDouble);
  in.advantages = torch::tensor({-1.0}, torch::kDouble);
  in.mask = torch::ones({1, 1}, torch::kDouble);
  ClipOptions dual;
  dual.dual_clip_c = 3.0;
  EXPECT_NEAR(clipped_policy_loss(in, ClipOptions{}).per_token_loss.item<double>(), std::exp(2.0), 1e-12);
  EXPECT_NEAR(clipped_policy_loss(in, dual).per_token_loss.item<double>(), 3.0, 1e-12);
}

TEST(PolicyLoss, GradientMatchesClosedForm) {
  // d/dlogp_t of −min(ρÂ, clip(ρ)Â) is −ρ_t·Â where the unclipped term is the active one, else 0;
  // d/dlogp_t of β·k3 is β·(1 − exp(ref_t − logp_t)). grpo aggregation over one sequence of
  // length L divides by L.
  torch::manual_seed(0);
  const int64_t T = 50;
  auto logp = (-torch::rand({1, T}, torch::kDouble) * 2).requires_grad_(true);
  const auto old = logp.detach() + (torch::rand({1, T}, torch::kDouble) - 0.5);
  const auto ref = logp.detach() + (torch::rand({1, T}, torch::kDouble) - 0.5);
  const double A = -0.7, beta = 0.1;
  PolicyLossInputs in{logp, old, ref, torch::tensor({A}, torch::kDouble), torch::ones({1, T}, torch::kDouble), {}};
  ClipOptions clip;
  clip.beta = beta;
  clip.eps_high = 0.28;
  AggregateOptions agg;
  agg.num_sequences = 1;
  aggregate_loss(clipped_policy_loss(in, clip).per_token_loss, in.mask, agg).backward();
  const auto rho = torch::exp(logp.detach() - old);
  const auto unclipped_active = (rho * A) <= (torch::clamp(rho, 0.8, 1.28) * A);
  const auto closed = (torch::where(unclipped_active, -rho * A, torch::zeros_like(rho)) +
                       beta * (1 - torch::exp(ref - logp.detach()))) / T;
  EXPECT_LT((logp.grad() - closed).abs().max().item<double>(), 1e-12);
}

TEST(Aggregate, MicroBatchContributionsSumToTheWholeBatch) {
  torch::manual_seed(1);
  const auto loss = torch::randn({8, 6}, torch::kDouble);
  const auto mask = (torch::rand({8, 6}) > 0.3).to(torch::kDouble);
  for (const auto* name : {"grpo", "dr_grpo", "dapo"}) {
    AggregateOptions agg;
    agg.mode = parse_loss_aggregation(name);
    agg.num_sequences = 8;
    agg.num_tokens = mask.sum().item<double>();
    agg.max_completion_length = 6;
    const double whole = aggregate_loss(loss, mask, agg).item<double>();
    const double parts = (aggregate_loss(loss.slice(0, 0, 3), mask.slice(0, 0, 3), agg) +
                          aggregate_loss(loss.slice(0, 3, 8), mask.slice(0, 3, 8), agg))
                             .item<double>();
    EXPECT_NEAR(whole, parts, 1e-12) << name;
  }
  try {
    parse_loss_aggregation("ppo");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("grpo, bnpo, dr_grpo, dapo"), std::string::npos);
  }
}

}  // namespace
}  // namespace grpo
