// grpo sft configs: the shipped recipes load; mistakes are reported with file:line and the key.
#include "trainer/sft_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "src/config/config.h"
#include "test_util.h"

namespace grpo {
namespace {

std::string load_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  test::TempDir dir;
  std::ofstream(dir.path() / "data.jsonl") << "{\"text\": \"a\"}\n";
  const auto file = (dir.path() / "c.yaml").string();
  std::ofstream(file) << yaml;
  std::vector<std::string> o = {"model.path=m", "run.output_dir=r"};
  o.insert(o.end(), overrides.begin(), overrides.end());
  return test::error_of([&] { load_config<SftConfig>(file, o); });
}

TEST(SftConfig, ShippedRecipesLoad) {
  test::TempDir dir;
  std::ofstream(dir.path() / "d.jsonl") << "{\"text\": \"a\"}\n";
  for (const char* name : {"configs/sft.yaml", "configs/tiny_sft_cpu.yaml", "examples/countdown/pretrain.yaml",
                           "examples/countdown/pretrain_gpu.yaml"}) {
    const auto cfg = load_config<SftConfig>((test::source_dir() / name).string(),
                                            {"model.path=m", "run.output_dir=r", "data.path=" + (dir.path() / "d.jsonl").string()});
    EXPECT_GE(cfg.batch.examples_per_step, 1) << name;
  }
}

TEST(SftConfig, ErrorsNameFileLineAndKey) {
  std::string e = load_error("data:\n  path: x.jsonl\n  fromat: text\n");
  EXPECT_NE(e.find("c.yaml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("data.fromat"), std::string::npos) << e;
  e = load_error("batch:\n  examples_per_step: many\n");
  EXPECT_NE(e.find("c.yaml:2"), std::string::npos) << e;
  EXPECT_NE(e.find("batch.examples_per_step: expected int, got 'many'"), std::string::npos) << e;
  e = load_error("optim:\n  lr: 1e-5\ndata:\n  path: /no/such/file.jsonl\n");
  EXPECT_NE(e.find("c.yaml:4"), std::string::npos) << e;
  EXPECT_NE(e.find("data.path: no such file"), std::string::npos) << e;
  e = load_error("data:\n  path: x\n", {"data.format=csv"});
  EXPECT_NE(e.find("data.format: must be auto, prompt_completion, messages or text"), std::string::npos) << e;
}

TEST(SftConfig, EpochsSetTheSteps) {
  SftConfig cfg;
  cfg.batch.examples_per_step = 4;
  cfg.run.steps = 7;
  EXPECT_EQ(sft_total_steps(cfg, 10), 7);  // epochs = 0: run.steps
  cfg.data.epochs = 2;
  EXPECT_EQ(sft_total_steps(cfg, 10), 5);  // ceil(2 * 10 / 4)
  cfg.data.epochs = 0.1;
  EXPECT_EQ(sft_total_steps(cfg, 10), 1);  // ceil(0.25)
}

}  // namespace
}  // namespace grpo
