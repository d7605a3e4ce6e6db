// Checkpoint folders: atomic commit, `latest`, rotation, and recovery from a killed write.
#include "src/checkpoint/checkpoint_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace grpo {
namespace {

TEST(CheckpointDir, CommitRotateAndLatest) {
  test::TempDir dir;
  const std::string run = (dir.path() / "run").string();
  CheckpointDir ckpt(run, 2);
  EXPECT_FALSE(ckpt.latest().has_value());
  for (int64_t step : {10, 20, 30}) {
    const auto staging = ckpt.begin(step);
    std::ofstream(staging + "/weights.bin") << "step " << step;
    EXPECT_FALSE(std::filesystem::exists(ckpt.path_for(step)));  // invisible until committed
    ckpt.commit(step);
  }
  EXPECT_EQ(ckpt.steps(), (std::vector<int64_t>{20, 30}));
  EXPECT_EQ(*ckpt.latest(), ckpt.path_for(30));
  EXPECT_TRUE(std::filesystem::exists(ckpt.path_for(30) + "/weights.bin"));
}

TEST(CheckpointDir, KilledWriteLeavesPreviousCheckpoint) {
  test::TempDir dir;
  const std::string run = (dir.path() / "run").string();
  {
    CheckpointDir ckpt(run, 0);
    ckpt.begin(1);
    ckpt.commit(1);
    const auto staging = ckpt.begin(2);  // "killed" before commit
    std::ofstream(staging + "/half.bin") << "partial";
    // what a model writer killed mid-save leaves beside the staging folder
    std::filesystem::create_directories(run + "/..tmp-checkpoint-2.tmp-Ab12Cd");
  }
  CheckpointDir reopened(run, 0);
  EXPECT_EQ(*reopened.latest(), reopened.path_for(1));
  EXPECT_EQ(reopened.steps(), (std::vector<int64_t>{1}));
  EXPECT_FALSE(std::filesystem::exists(run + "/.tmp-checkpoint-2"));  // staging cleaned on reopen
  EXPECT_FALSE(std::filesystem::exists(run + "/..tmp-checkpoint-2.tmp-Ab12Cd"));
}

}  // namespace
}  // namespace grpo
