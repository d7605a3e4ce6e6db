// `cosine` length scaling with L_max = 100 and the default values r_0^c = 1, r_L^c = 0.5,
// r_0^w = -1, r_L^w = -0.5, r_e = -1:  R = r_L + 0.5 (r_0 - r_L)(1 + cos(pi L / 100)).
#include <gtest/gtest.h>

#include <cmath>

#include "reward_test_util.h"

namespace grpo::test {
namespace {

TEST(Cosine, CorrectnessFromRowField) {
  auto r = make_reward("cosine", "max_length: 100\ncorrect_field: correct");
  auto at = [&](bool correct, int64_t tokens, std::string finish = "stop") {
    return score(*r, {.completion = "x", .row = {{"correct", correct}}, .tokens = tokens, .finish_reason = finish}).score;
  };
  EXPECT_DOUBLE_EQ(at(true, 0), 1.0);                                       // cos 0 = 1: r_0^c
  EXPECT_DOUBLE_EQ(at(true, 50), 0.75);                                     // cos(pi/2) = 0: 0.5 + 0.25
  EXPECT_NEAR(at(true, 25), 0.5 + 0.25 * (1 + std::sqrt(0.5)), 1e-12);     // cos(pi/4) = sqrt(1/2)
  EXPECT_DOUBLE_EQ(at(false, 0), -1.0);                                     // r_0^w
  EXPECT_DOUBLE_EQ(at(false, 50), -0.75);                                   // -0.5 + 0.5(-0.5)(1)
  EXPECT_DOUBLE_EQ(at(true, 100), -1.0);                                    // L >= L_max: r_e
  EXPECT_DOUBLE_EQ(at(true, 10, "length"), -1.0);                           // truncated: r_e
}

TEST(Cosine, CorrectnessFromAWrappedReward) {
  // countdown scores 1.0 for a correct equation (>= threshold 1.0) and 0.1 for a wrong one.
  auto r = make_reward("cosine", "max_length: 100\ncorrectness: {name: countdown}");
  const Json row = {{"nums", {3, 5, 7}}, {"target", 22}};
  auto right = score(*r, {.completion = "<answer>3*5+7</answer>", .row = row, .tokens = 50});
  EXPECT_DOUBLE_EQ(right.score, 0.75);
  EXPECT_EQ(right.details["correctness"]["reason"], "correct");
  auto wrong = score(*r, {.completion = "<answer>3+5+7</answer>", .row = row, .tokens = 50});
  EXPECT_DOUBLE_EQ(wrong.score, -0.75);
  // A data error of the wrapped reward is passed on.
  auto broken = score(*r, {.completion = "<answer>3*5+7</answer>", .row = {{"x", 1}}, .tokens = 50});
  EXPECT_EQ(broken.details["error"], "correctness: row has no field 'nums'");
}

TEST(Cosine, ConfigErrors) {
  const std::string neither = error_of([] { make_reward("cosine", "max_length: 100"); });
  EXPECT_NE(neither.find("set exactly one of correct_field and correctness.name"), std::string::npos) << neither;
  const std::string unknown = error_of([] { make_reward("cosine", "max_length: 100\ncorrectness: {name: countdwn}"); });
  EXPECT_NE(unknown.find("params.yaml:2: unknown reward 'countdwn'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("did you mean 'countdown'"), std::string::npos) << unknown;
  auto r = make_reward("cosine", "max_length: 100\ncorrect_field: ok");
  EXPECT_TRUE(score(*r, {.completion = "x", .row = {{"ok", true}}}).details.contains("error"));  // tokens unknown
}

}  // namespace
}  // namespace grpo::test
