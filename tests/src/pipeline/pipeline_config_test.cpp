// Pipeline configs: references must name vars or earlier stages' outputs; stage kinds and their
// required fields are checked with file:line; substitution is exact.
#include "src/pipeline/pipeline_config.h"

#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

#include "tests/test_util.h"

namespace grpo {
namespace {

std::string load_error(const std::string& text) {
  test::TempDir dir;
  const auto path = (dir.path() / "p.yaml").string();
  std::ofstream(path) << text;
  return test::error_of([&] { load_pipeline_config(path); });
}

TEST(PipelineConfig, EveryPipelineInConfigsLoads) {
  int pipelines = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "configs")) {
    if (entry.path().extension() != ".yaml" || !YAML::LoadFile(entry.path().string())["stages"]) continue;
    SCOPED_TRACE(entry.path().string());
    const auto config = load_pipeline_config(entry.path().string());
    // Stage recipes named by a pipeline exist in the repository.
    for (const auto& stage : config.stages)
      if (!stage.config.empty()) {
        EXPECT_TRUE(std::filesystem::exists(test::source_dir() / stage.config)) << stage.config;
      }
    ++pipelines;
  }
  EXPECT_GE(pipelines, 2);  // r1.yaml, distill_qwen2.5_1.5b.yaml
}

TEST(PipelineConfig, ReferencesMustNameEarlierStages) {
  const auto msg = load_error(
      "output_dir: out\n"
      "stages:\n"
      "  - {name: a, kind: train, config: a.yaml, overrides: ['model.path=${b.model}']}\n"
      "  - {name: b, kind: train, config: b.yaml}\n");
  EXPECT_NE(msg.find("unknown reference ${b.model}"), std::string::npos) << msg;
  EXPECT_NE(msg.find("stages[0]"), std::string::npos) << msg;
}

TEST(PipelineConfig, KindsAndRequiredFields) {
  const auto msg = load_error(
      "output_dir: out\n"
      "stages:\n"
      "  - {name: a, kind: distill}\n"
      "  - {name: b, kind: sample, args: {model: m}}\n"
      "  - {name: b, kind: mix}\n");
  EXPECT_NE(msg.find("must be sft, train, sample or mix"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a sample stage needs args.keep"), std::string::npos) << msg;
  EXPECT_NE(msg.find("duplicate stage name 'b'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a mix stage needs at least one source"), std::string::npos) << msg;
}

TEST(PipelineConfig, SubstitutionIsExact) {
  const std::map<std::string, std::string> values = {{"a", "X"}, {"b.model", "/ck/2"}};
  EXPECT_EQ(substitute_references("p=${a}/${b.model}-${a}", values, "here"), "p=X//ck/2-X");
  EXPECT_EQ(substitute_references("no refs $ {a}", values, "here"), "no refs $ {a}");
  EXPECT_NE(test::error_of([&] { substitute_references("${c}", values, "here"); }).find("here: unknown reference ${c}"),
            std::string::npos);
  EXPECT_EQ(references_in("${x} and ${y.model}"), (std::vector<std::string>{"x", "y.model"}));
}

}  // namespace
}  // namespace grpo
