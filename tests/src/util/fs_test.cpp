// fs helpers: atomic write leaves exactly the new content and no temp file; remove_tree removes
// nested trees and ignores missing paths.
#include "src/util/fs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

TEST(Fs, AtomicWriteReplacesAndLeavesNoTemp) {
  test::TempDir dir;
  const auto path = (dir.path() / "state.json").string();
  write_file_atomic(path, "old");
  write_file_atomic(path, "new content");
  EXPECT_EQ(read_file(path), "new content");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) entries++;
  EXPECT_EQ(entries, 1);
  EXPECT_THROW(write_file_atomic((dir.path() / "no" / "such" / "dir").string(), "x"), Error);
  EXPECT_THROW(read_file((dir.path() / "missing").string()), Error);
}

TEST(Fs, RemoveTree) {
  test::TempDir dir;
  const auto root = dir.path() / "a";
  std::filesystem::create_directories(root / "b" / "c");
  std::ofstream(root / "b" / "c" / "f.txt") << "x";
  std::ofstream(root / "g.txt") << "y";
  std::filesystem::create_symlink("/", root / "link");  // must not be followed
  remove_tree(root.string());
  EXPECT_FALSE(std::filesystem::exists(root));
  EXPECT_TRUE(std::filesystem::exists("/bin"));
  remove_tree((dir.path() / "missing").string());  // no throw
}

}  // namespace
}  // namespace grpo
