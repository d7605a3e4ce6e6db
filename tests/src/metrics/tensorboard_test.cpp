// TensorBoard events written by us are read back by the `tensorboard` package's own event loader.
#include "src/metrics/tensorboard.h"

#include <gtest/gtest.h>

#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

TEST(TensorBoard, Crc32cKnownAnswer) {
  // RFC 3720 B.4 test vector: CRC-32C of "123456789" is 0xE3069283.
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
}

TEST(TensorBoard, EventsOpenWithTensorboardReader) {
  test::TempDir dir;
  std::string path;
  {
    TensorBoardWriter writer(dir.path().string());
    writer.add_scalar("train/reward_mean", 0.25f, 1);
    writer.add_scalar("train/kl", 1.5e-3f, 1);
    writer.add_scalar("train/reward_mean", 0.75f, 2);
    path = writer.path();
  }
  std::string out;
  const std::string script = (test::source_dir() / "tests/src/metrics/read_tensorboard.py").string();
  ASSERT_EQ(test::run_command(test::python() + " " + script + " " + path, &out), 0) << out;
  EXPECT_NE(out.find("version brain.Event:2"), std::string::npos) << out;
  EXPECT_NE(out.find("train/reward_mean 1 0.25"), std::string::npos) << out;
  EXPECT_NE(out.find("train/kl 1 0.001500000"), std::string::npos) << out;
  EXPECT_NE(out.find("train/reward_mean 2 0.75"), std::string::npos) << out;
}

TEST(TensorBoard, MissingDirectoryIsAnError) {
  EXPECT_THROW(TensorBoardWriter("/nonexistent/dir/for/grpo"), Error);
}

}  // namespace
}  // namespace grpo
