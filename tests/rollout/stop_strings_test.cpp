// Stop strings: matches that span token boundaries, the window decode, and the cut of the final text.
#include "rollout/stop_strings.h"

#include <gtest/gtest.h>

#include "src/util/error.h"

namespace grpo {
namespace {

// Token v decodes to kPieces[v]; decoding concatenates.
const std::vector<std::string> kPieces = {"a", "b", "ab", "ba", "</", "answer", ">", " ", "xyz"};
std::string decode(std::span<const TokenId> ids) {
  std::string s;
  for (TokenId t : ids) s += kPieces.at(t);
  return s;
}

TEST(StopStrings, MatchSpanningTokens) {
  StopStringMatcher m({"</answer>"}, decode);
  const std::vector<TokenId> ids = {7, 0, 4, 5, 6};   // " a" "</" "answer" ">"
  for (size_t n = 1; n < ids.size(); ++n) EXPECT_FALSE(m.completed_by_last(std::span(ids.data(), n))) << n;
  EXPECT_TRUE(m.completed_by_last(ids));
}

TEST(StopStrings, OnlyTheCompletingTokenReports) {
  // "abba" completes at the 3rd token ("ab" "b" "a"); the matcher is only asked once per token, but a
  // window containing an old match would also report, so the engine must stop at the first report.
  StopStringMatcher m({"abba"}, decode);
  const std::vector<TokenId> ids = {2, 1, 0};
  EXPECT_FALSE(m.completed_by_last(std::span(ids.data(), 2)));
  EXPECT_TRUE(m.completed_by_last(ids));
}

TEST(StopStrings, WindowCoversLongTailsOfShortTokens) {
  // 9-byte stop string made of 1-byte tokens, preceded by 30 tokens of noise: the window of
  // 9 + 2 tokens sees all of it.
  StopStringMatcher m({"abababab>"}, decode);
  std::vector<TokenId> ids(30, 8);
  for (int i = 0; i < 4; ++i) ids.push_back(0), ids.push_back(1);
  EXPECT_FALSE(m.completed_by_last(ids));
  ids.push_back(6);
  EXPECT_TRUE(m.completed_by_last(ids));
}

TEST(StopStrings, FirstMatchIsTheEarliestStart) {
  StopStringMatcher m({"bc", "abc", "zz"}, decode);
  const auto hit = m.first_match("xxabcbc");
  EXPECT_EQ(hit.position, 2u);   // "abc" starts at 2, before "bc" at 3
  EXPECT_EQ(hit.index, 1);
  EXPECT_EQ(m.first_match("nothing").index, -1);
}

TEST(StopStrings, EmptyStopStringAndMissingDetokenizerAreErrors) {
  EXPECT_THROW(StopStringMatcher({""}, decode), Error);
  EXPECT_THROW(StopStringMatcher({"x"}, Detokenizer{}), Error);
  EXPECT_NO_THROW(StopStringMatcher({}, Detokenizer{}));
}

}  // namespace
}  // namespace grpo
