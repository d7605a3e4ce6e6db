// PreTokenizer: Split behaviours, Digits and ByteLevel options. The Split expectations are the
// examples of HF tokenizers' SplitDelimiterBehavior documentation ("the-final--countdown", "-").
#include "src/tokenizer/pre_tokenizer.h"

#include <gtest/gtest.h>

#include "src/util/error.h"

namespace grpo {
namespace {

std::vector<std::string> run(const nlohmann::json& j, std::string_view text) {
  const PreTokenizer p = PreTokenizer::from_json(j, "test");
  std::vector<std::string_view> out;
  std::deque<std::string> arena;
  p.split(text, out, arena);
  return {out.begin(), out.end()};
}

nlohmann::json split(const char* behavior, bool invert = false) {
  return {{"type", "Split"}, {"pattern", {{"String", "-"}}}, {"behavior", behavior}, {"invert", invert}};
}

using V = std::vector<std::string>;

TEST(PreTokenizer, SplitBehaviorsMatchHfDocumentation) {
  const char* text = "the-final--countdown";
  EXPECT_EQ(run(split("Removed"), text), (V{"the", "final", "countdown"}));
  EXPECT_EQ(run(split("Isolated"), text), (V{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(run(split("MergedWithPrevious"), text), (V{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(run(split("MergedWithNext"), text), (V{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(run(split("Contiguous"), text), (V{"the", "-", "final", "--", "countdown"}));
  // invert: the non-delimiters are the matches, so Removed keeps only the dashes.
  EXPECT_EQ(run(split("Removed", true), text), (V{"-", "-", "-"}));
  EXPECT_THROW(run(split("Sideways"), text), Error);
}

TEST(PreTokenizer, DigitsAndByteLevel) {
  EXPECT_EQ(run({{"type", "Digits"}, {"individual_digits", true}}, "a123b"), (V{"a", "1", "2", "3", "b"}));
  EXPECT_EQ(run({{"type", "Digits"}, {"individual_digits", false}}, "a123b4"), (V{"a", "123", "b", "4"}));
  // ByteLevel with add_prefix_space prepends one space to a piece lacking one; use_regex applies
  // the GPT-2 pattern: "Hello world" -> " Hello", " world".
  EXPECT_EQ(run({{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}}, "Hello world"),
            (V{" Hello", " world"}));
  EXPECT_TRUE(PreTokenizer::from_json({{"type", "ByteLevel"}}, "t").byte_level());
  // A step after ByteLevel, and unknown types, are rejected.
  const nlohmann::json seq = {{"type", "Sequence"}, {"pretokenizers", {{{"type", "ByteLevel"}}, {{"type", "Digits"}}}}};
  EXPECT_THROW(PreTokenizer::from_json(seq, "t"), Error);
  EXPECT_THROW(PreTokenizer::from_json({{"type", "Metaspace"}}, "t"), Error);
}

}  // namespace
}  // namespace grpo
