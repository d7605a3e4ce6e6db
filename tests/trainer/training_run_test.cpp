// TrainingRun's step guard: a step whose gradients are not finite leaves the weights untouched, is
// counted, and the run stops once more than run.max_skipped_steps were skipped.
#include "trainer/training_run.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/test_util.h"

namespace grpo {
namespace {

TEST(TrainingRun, NonFiniteGradientsSkipTheStepAndStopPastTheLimit) {
  test::TempDir dir;
  ModelSection model;
  model.path = (test::testdata_dir() / "trainer" / "tiny_policy").string();
  model.device = "cpu";
  model.dtype = "fp32";
  RunSection run;
  run.output_dir = (dir.path() / "run").string();
  run.steps = 10;
  run.max_skipped_steps = 1;
  run.tensorboard = false;
  TrainingRun training(model, OptimSection{}, run, "test: true\n");
  auto params = training.model()->parameters();
  const auto before = params[0].detach().clone();
  auto set_grads = [&](double value) {
    for (auto& p : params) p.mutable_grad() = torch::full_like(p, value);
  };

  set_grads(std::nan(""));
  auto u = training.apply_gradients();
  EXPECT_FALSE(u.applied);
  EXPECT_TRUE(torch::equal(params[0].detach(), before));  // no update
  EXPECT_EQ(training.state().skipped_steps, 1);
  EXPECT_EQ(training.step(), 1);                           // the step still counts

  set_grads(0.01);
  u = training.apply_gradients();
  EXPECT_TRUE(u.applied);
  EXPECT_FALSE(torch::equal(params[0].detach(), before));

  set_grads(std::numeric_limits<double>::infinity());
  const auto error = test::error_of([&] { training.apply_gradients(); });
  EXPECT_NE(error.find("2 steps had non-finite loss or gradients"), std::string::npos) << error;
}

}  // namespace
}  // namespace grpo
