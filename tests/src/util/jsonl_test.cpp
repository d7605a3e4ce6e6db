// JSONL reading: blank lines skipped, CRLF tolerated, errors name file:line and field.
#include "src/util/jsonl.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace grpo {
namespace {

TEST(Jsonl, ReadsRowsWithLineNumbers) {
  test::TempDir dir;
  const auto path = (dir.path() / "d.jsonl").string();
  std::ofstream(path) << "{\"a\": 1}\r\n\n  \n{\"a\": 2, \"s\": \"x\"}";
  const auto rows = read_jsonl(path);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[1].line, 4);
  EXPECT_EQ(json_field<int>(rows[1], "a"), 2);
  EXPECT_EQ(json_field<std::string>(rows[1], "s"), "x");
}

TEST(Jsonl, ErrorsNameFileLineAndField) {
  test::TempDir dir;
  const auto path = (dir.path() / "d.jsonl").string();
  std::ofstream(path) << "{\"a\": 1}\n{\"a\": \"one\"}\n";
  const auto rows = read_jsonl(path);
  try {
    json_field<int>(rows[1], "a");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2: field 'a': wrong type (string)"), std::string::npos) << e.what();
  }
  try {
    json_field<int>(rows[0], "b");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":1: missing field 'b'"), std::string::npos) << e.what();
  }
  std::ofstream(path) << "{\"a\": 1}\n{broken\n";
  try {
    read_jsonl(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2: invalid JSON"), std::string::npos) << e.what();
  }
  std::ofstream(path) << "[1, 2]\n";
  EXPECT_THROW(read_jsonl(path), Error);
  EXPECT_THROW(read_jsonl((dir.path() / "missing.jsonl").string()), Error);
}

}  // namespace
}  // namespace grpo
