// AdamW against LibTorch's own torch::optim::AdamW (an independent implementation), master
// weights for bf16 parameters, exact save/load, and gradient clipping by hand.
#include "trainer/optimizer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

TEST(AdamW, MatchesTorchOptimAdamW) {
  torch::manual_seed(0);
  auto a = torch::randn({5, 3}, torch::requires_grad());
  auto b = a.detach().clone().requires_grad_(true);
  AdamWOptions opts;
  opts.weight_decay = 0.1;
  AdamW ours({a}, {"a"}, opts);
  torch::optim::AdamW reference({b}, torch::optim::AdamWOptions(1e-2).betas({0.9, 0.999}).eps(1e-8).weight_decay(0.1));
  for (int step = 0; step < 20; ++step) {
    const auto target = torch::randn({5, 3});
    ours.zero_grad();
    ((a - target).pow(2).sum()).backward();
    ours.step(1e-2);
    reference.zero_grad();
    ((b - target).pow(2).sum()).backward();
    reference.step();
  }
  EXPECT_LT((a - b).abs().max().item<double>(), 1e-6);
}

TEST(AdamW, MasterWeightsKeepSmallUpdatesOfBf16Params) {
  // lr 1e-4 and a constant gradient move each weight by ~1e-4 per step (Adam's step is ~lr).
  // In bf16, 1.0 + 1e-4 rounds back to 1.0 (spacing 2^-7 ≈ 0.0078): a naive bf16 update never
  // moves. With fp32 masters, after 200 steps the master is ~0.98 and the bf16 copy follows.
  auto w = torch::ones({4}, torch::TensorOptions().dtype(torch::kBFloat16)).requires_grad_(true);
  AdamW opt({w}, {"w"}, AdamWOptions{});
  for (int i = 0; i < 200; ++i) {
    opt.zero_grad();
    w.sum().backward();
    opt.step(1e-4);
  }
  EXPECT_NEAR(w[0].item<float>(), 0.98f, 0.004f);
}

TEST(AdamW, SaveLoadResumesExactly) {
  test::TempDir dir;
  torch::manual_seed(1);
  const auto init = torch::randn({6});
  auto run = [&](int steps, const std::string& save_at, const std::string& load_from) {
    auto p = init.clone().requires_grad_(true);
    AdamW opt({p}, {"p"}, AdamWOptions{});
    if (!load_from.empty()) opt.load(load_from);
    for (int i = 0; i < steps; ++i) {
      opt.zero_grad();
      (p * torch::arange(6).to(torch::kFloat) * (opt.steps_taken() + 1)).sum().backward();
      opt.step(1e-2);
    }
    if (!save_at.empty()) opt.save(save_at);
    return p.detach().clone();
  };
  const auto straight = run(5, "", "");
  const std::string state = (dir.path() / "opt.pt").string();
  run(3, state, "");
  const auto resumed = run(2, "", state);
  EXPECT_TRUE(torch::equal(straight, resumed));
  EXPECT_THROW(run(1, "", (dir.path() / "missing.pt").string()), Error);
}

TEST(ClipGradNorm, ScalesToMaxNorm) {
  // Gradients (3, 4) and (12): global norm sqrt(9 + 16 + 144) = 13; clipped to 1 -> scaled by 1/13.
  auto a = torch::zeros({2}, torch::requires_grad());
  auto b = torch::zeros({1}, torch::requires_grad());
  a.mutable_grad() = torch::tensor({3.0f, 4.0f});
  b.mutable_grad() = torch::tensor({12.0f});
  EXPECT_NEAR(clip_grad_norm({a, b}, 1.0), 13.0, 1e-5);
  EXPECT_NEAR(a.grad()[1].item<float>(), 4.0 / (13.0 + 1e-6), 1e-6);
  EXPECT_NEAR(clip_grad_norm({a, b}, 0.0), 1.0, 1e-5);  // measure only
}

}  // namespace
}  // namespace grpo
