// AddedTokenMatcher: leftmost-longest matching and the lstrip / rstrip / single_word rules of HF
// AddedVocabulary, with expected segments worked out by hand in the comments.
#include "src/tokenizer/added_tokens.h"

#include <gtest/gtest.h>

namespace grpo {
namespace {

std::vector<std::pair<std::string, TokenId>> segments(const AddedTokenMatcher& m, std::string_view text) {
  std::vector<std::pair<std::string, TokenId>> out;
  for (const Segment& s : m.split(text)) out.emplace_back(std::string(text.substr(s.begin, s.end - s.begin)), s.id);
  return out;
}

using S = std::vector<std::pair<std::string, TokenId>>;

TEST(AddedTokens, LeftmostLongest) {
  AddedTokenMatcher m;
  m.add({1, "<a>"});
  m.add({2, "<a><b>"});
  // At offset 1 both "<a>" and "<a><b>" match: the longer wins; "<a>" then matches at the end.
  EXPECT_EQ(segments(m, "x<a><b><a>"), (S{{"x", -1}, {"<a><b>", 2}, {"<a>", 1}}));
  EXPECT_EQ(segments(m, "<a"), (S{{"<a", -1}}));
  EXPECT_TRUE(segments(m, "").empty());
}

TEST(AddedTokens, StripAndSingleWord) {
  AddedTokenMatcher l, r, w;
  l.add({7, "<m>", false, /*lstrip=*/true});
  r.add({7, "<m>", false, false, /*rstrip=*/true});
  w.add({9, "cat", /*single_word=*/true});
  // lstrip swallows the whitespace on its left, rstrip on its right.
  EXPECT_EQ(segments(l, "a  <m> b"), (S{{"a", -1}, {"  <m>", 7}, {" b", -1}}));
  EXPECT_EQ(segments(r, "a <m>  b"), (S{{"a ", -1}, {"<m>  ", 7}, {"b", -1}}));
  // single_word: "cat" inside "concat" or before a letter is not a match; before "." it is.
  EXPECT_EQ(segments(w, "concat cats cat."), (S{{"concat cats ", -1}, {"cat", 9}, {".", -1}}));
}

}  // namespace
}  // namespace grpo
