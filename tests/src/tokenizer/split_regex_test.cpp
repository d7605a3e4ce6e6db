// SplitRegex: the Oniguruma -> RE2 translation and the `\s+(?!\S)|\s+` emulation. Expected pieces
// are derived by hand from backtracking semantics (comments), independent of our implementation.
#include "src/tokenizer/split_regex.h"

#include <gtest/gtest.h>

#include "src/util/error.h"

namespace grpo {
namespace {

// Qwen2/Qwen3's pre-tokenizer pattern (tokenizer.json, pre_tokenizer.pretokenizers[0]).
const char* kQwen =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|"
    "\\s+(?!\\S)|\\s+";

std::vector<std::string> pieces(const SplitRegex& re, std::string_view text) {
  std::vector<std::pair<size_t, size_t>> m;
  re.find(text, m);
  std::vector<std::string> out;
  for (auto [b, e] : m) out.emplace_back(text.substr(b, e - b));
  return out;
}

TEST(SplitRegex, LookaheadGivesBackTheLastSpace) {
  const SplitRegex re(kQwen, false, "test");
  // "a   b": at the run of 3 spaces, \s+(?!\S) backtracks to 2 spaces (followed by a space);
  // the third space joins "b" through [^\r\n\p{L}\p{N}]?\p{L}+.
  EXPECT_EQ(pieces(re, "a   b"), (std::vector<std::string>{"a", "  ", " b"}));
  // At the end of the text (?!\S) holds, so the whole run is one piece.
  EXPECT_EQ(pieces(re, "x   "), (std::vector<std::string>{"x", "   "}));
  // A single space before a non-space: \s+(?!\S) fails, the plain \s+ takes it... unless an
  // earlier alternative does: " ?[^\s\p{L}\p{N}]+" takes " !".
  EXPECT_EQ(pieces(re, "a !"), (std::vector<std::string>{"a", " !"}));
  // "  \n  x": \s*[\r\n]+ takes "  \n" first; then "  x" -> " " + " x".
  EXPECT_EQ(pieces(re, "  \n  x"), (std::vector<std::string>{"  \n", " ", " x"}));
  // A whitespace run ending in a newline before a letter comes from \s*[\r\n]+, not from the
  // look-ahead alternative: nothing is given back.
  EXPECT_EQ(pieces(re, " \n\nx"), (std::vector<std::string>{" \n\n", "x"}));
}

TEST(SplitRegex, BackslashSIsUnicodeWhitespace) {
  const SplitRegex re(kQwen, false, "test");
  // U+3000 (ideographic space) is White_Space: the run "\u3000\u3000" before "x" splits like spaces.
  EXPECT_EQ(pieces(re, "\xE3\x80\x80\xE3\x80\x80x"), (std::vector<std::string>{"\xE3\x80\x80", "\xE3\x80\x80x"}));
  // Case-insensitive contractions: 'LL and 'Re are single pieces.
  EXPECT_EQ(pieces(re, "WE'LL they'Re"), (std::vector<std::string>{"WE", "'LL", " they", "'Re"}));
}

TEST(SplitRegex, UnsupportedLookaroundsAreNamed) {
  try {
    SplitRegex("a(?=b)", false, "tokenizer.json: pre_tokenizer");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("look-around '(?='"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tokenizer.json: pre_tokenizer"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SplitRegex("(\\s+(?!\\S)|\\s+)", false, "t"), Error);  // idiom inside a group
  EXPECT_THROW(SplitRegex("[\\S]", false, "t"), Error);
  // A literal (String) pattern is matched as text, metacharacters included.
  EXPECT_EQ(pieces(SplitRegex("a.b", true, "t"), "xa.byaxb"), (std::vector<std::string>{"a.b"}));
}

}  // namespace
}  // namespace grpo
