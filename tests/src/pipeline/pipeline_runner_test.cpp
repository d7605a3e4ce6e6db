// Pipeline orchestration with a stand-in for the grpo binary (a shell script that records its
// command line, makes a checkpoint, and can be told to fail once): stage order and commands,
// ${...} outputs passed on, finished stages skipped, a failed stage resumed on re-run, and
// --only-stage / --from-stage redoing stages from scratch.
#include "src/pipeline/pipeline_runner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "src/util/fs.h"
#include "tests/test_util.h"

namespace grpo {
namespace {

// Appends "kind args..." to calls.log. train/sft: makes <run.output_dir>/checkpoint-<n+1> (n =
// checkpoints already there, i.e. a resume continues) and exits 3 if FAIL_ONCE names the folder
// and the flag file is absent. sample: writes one line to --output.
const char* kFakeGrpo = R"SH(#!/bin/sh
here=$(dirname "$0")
echo "$*" >> "$here/calls.log"
kind=$1; shift
for a in "$@"; do
  case "$a" in
    run.output_dir=*) out=${a#run.output_dir=} ;;
    --output=*) file=${a#--output=} ;;
  esac
done
if [ "$kind" = sample ]; then echo '{"prompt": "p", "completion": "c"}' > "$file"; exit 0; fi
n=$(ls -d "$out"/checkpoint-* 2>/dev/null | wc -l)
mkdir -p "$out/checkpoint-$((n + 1))"
echo "checkpoint-$((n + 1))" > "$out/latest"
if [ -n "$FAIL_ONCE" ] && [ "$(basename "$out")" = "$FAIL_ONCE" ] && [ ! -e "$here/failed" ]; then
  touch "$here/failed"; exit 3
fi
exit 0
)SH";

struct Fixture {
  test::TempDir dir;
  std::string fake, yaml;
  Fixture() {
    fake = (dir.path() / "fake_grpo").string();
    std::ofstream(fake) << kFakeGrpo;
    std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
    std::ofstream(dir.path() / "general.jsonl") << "{\"prompt\": \"g1\"}\n{\"prompt\": \"g2\"}\n";
    yaml = (dir.path() / "pipeline.yaml").string();
    std::ofstream(yaml) << "output_dir: " << (dir.path() / "out").string() << "\n"
                        << "vars: {base_model: /models/base, general: " << (dir.path() / "general.jsonl").string() << "}\n"
                        << "stages:\n"
                        << "  - {name: cold, kind: sft, config: sft.yaml, overrides: ['model.path=${base_model}']}\n"
                        << "  - {name: rl, kind: train, config: rl.yaml, overrides: ['model.path=${cold.model}']}\n"
                        << "  - name: rs\n    kind: sample\n"
                        << "    args: {model: '${rl.model}', data: d.jsonl, rewards: r.yaml, keep: 'accuracy == 1', n: '4'}\n"
                        << "  - name: mixed\n    kind: mix\n    size: 4\n"
                        << "    sources: [{path: '${rs.output}', weight: 1}, {path: '${general}', weight: 1}]\n"
                        << "  - {name: final, kind: sft, config: sft.yaml, overrides: ['data.path=${mixed.output}']}\n";
  }
  std::vector<std::string> calls() const {
    std::vector<std::string> out;
    std::ifstream in(dir.path() / "calls.log");
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  std::string out(const std::string& rest) const { return (dir.path() / "out" / rest).string(); }
};

TEST(PipelineRunner, RunsStagesInOrderPassingOutputs) {
  Fixture f;
  PipelineOptions opts;
  opts.binary = f.fake;
  const auto outcomes = run_pipeline(load_pipeline_config(f.yaml), opts);
  ASSERT_EQ(outcomes.size(), 5u);
  const auto calls = f.calls();
  ASSERT_EQ(calls.size(), 4u);  // mix runs in-process
  EXPECT_EQ(calls[0], "sft --config sft.yaml model.path=/models/base run.output_dir=" + f.out("cold"));
  EXPECT_EQ(calls[1], "train --config rl.yaml model.path=" + f.out("cold/checkpoint-1") + " run.output_dir=" + f.out("rl"));
  // sample flags come in key order (a YAML map): data, keep, model, n, rewards.
  EXPECT_EQ(calls[2], "sample --data=d.jsonl --keep=accuracy == 1 --model=" + f.out("rl/checkpoint-1") +
                          " --n=4 --rewards=r.yaml --output=" + f.out("rs/samples.jsonl"));
  EXPECT_EQ(calls[3], "sft --config sft.yaml data.path=" + f.out("mixed/mix.jsonl") + " run.output_dir=" + f.out("final"));
  // The mix: size 4, weights 1:1 -> 2 rows from each source (the sample file has one row, repeated).
  const std::string mix = read_file(f.out("mixed/mix.jsonl"));
  EXPECT_EQ(std::count(mix.begin(), mix.end(), '\n'), 4);
  EXPECT_EQ(outcomes[4].output, f.out("final/checkpoint-1"));
}

TEST(PipelineRunner, FailedStageResumesAndFinishedStagesSkip) {
  Fixture f;
  setenv("FAIL_ONCE", "rl", 1);
  PipelineOptions opts;
  opts.binary = f.fake;
  const auto config = load_pipeline_config(f.yaml);
  const std::string error = test::error_of([&] { run_pipeline(config, opts); });
  unsetenv("FAIL_ONCE");
  EXPECT_NE(error.find("stage 'rl' failed (exit 3)"), std::string::npos) << error;
  EXPECT_TRUE(std::filesystem::exists(f.out("cold/.stage_done.json")));
  EXPECT_FALSE(std::filesystem::exists(f.out("rl/.stage_done.json")));

  const auto outcomes = run_pipeline(config, opts);  // the same command again
  EXPECT_FALSE(outcomes[0].ran);                       // cold: skipped
  EXPECT_TRUE(outcomes[1].ran);
  EXPECT_EQ(outcomes[1].output, f.out("rl/checkpoint-2"));  // resumed next to its checkpoint-1
  EXPECT_EQ(f.calls().size(), 2u + 3u);                     // cold, rl (failed); then rl, rs, final

  const auto again = run_pipeline(config, opts);
  for (const auto& o : again) EXPECT_FALSE(o.ran) << o.name;
  EXPECT_EQ(f.calls().size(), 5u);
}

TEST(PipelineRunner, OnlyAndFromStageRedoFromScratch) {
  Fixture f;
  PipelineOptions opts;
  opts.binary = f.fake;
  const auto config = load_pipeline_config(f.yaml);
  run_pipeline(config, opts);
  opts.only_stage = "rl";
  auto outcomes = run_pipeline(config, opts);
  EXPECT_TRUE(outcomes[1].ran);
  EXPECT_FALSE(outcomes[2].ran);
  EXPECT_EQ(outcomes[1].output, f.out("rl/checkpoint-1"));  // folder wiped: a fresh run, not a resume
  opts.only_stage.clear();
  opts.from_stage = "mixed";
  outcomes = run_pipeline(config, opts);
  EXPECT_FALSE(outcomes[2].ran);
  EXPECT_TRUE(outcomes[3].ran);
  EXPECT_TRUE(outcomes[4].ran);
  EXPECT_NE(test::error_of([&] {
              PipelineOptions bad = opts;
              bad.from_stage = "nope";
              run_pipeline(config, bad);
            }).find("no stage named 'nope'"),
            std::string::npos);
}

TEST(PipelineRunner, OnlyStageNeedsEarlierOutputs) {
  Fixture f;
  PipelineOptions opts;
  opts.binary = f.fake;
  opts.only_stage = "rl";
  const auto error = test::error_of([&] { run_pipeline(load_pipeline_config(f.yaml), opts); });
  EXPECT_NE(error.find("needs ${cold.model}, but that stage has not finished"), std::string::npos) << error;
}

}  // namespace
}  // namespace grpo
