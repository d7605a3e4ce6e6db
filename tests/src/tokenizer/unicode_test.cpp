// UTF-8 helpers: lossy decoding by the Unicode "maximal subpart" rule (what Rust's
// from_utf8_lossy, and so HF decode, does), incomplete tails, and the GPT-2 byte alphabet.
#include "src/tokenizer/unicode.h"

#include <gtest/gtest.h>

namespace grpo {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Unicode, LossyReplacesMaximalSubparts) {
  // E2 82 is a valid prefix of a 3-byte char cut short by 'x': one U+FFFD for both bytes.
  EXPECT_EQ(unicode::utf8_lossy("\xE2\x82x"), kFffd + "x");
  // F0 needs 90..BF next; 80 is not, so F0 alone is a subpart, then 80 (a stray continuation).
  EXPECT_EQ(unicode::utf8_lossy("\xF0\x80"), kFffd + kFffd);
  EXPECT_EQ(unicode::utf8_lossy("ok \xE2\x82\xAC"), "ok \xE2\x82\xAC");
  EXPECT_EQ(unicode::utf8_lossy(kFffd), kFffd);          // a real U+FFFD stays one
  EXPECT_FALSE(unicode::is_valid_utf8("\xED\xA0\x80"));  // a UTF-16 surrogate is not UTF-8
}

TEST(Unicode, IncompleteTail) {
  EXPECT_EQ(unicode::incomplete_utf8_tail("a\xE2\x82"), 2u);
  EXPECT_EQ(unicode::incomplete_utf8_tail("a\xF0\x9F\x98"), 3u);
  EXPECT_EQ(unicode::incomplete_utf8_tail("\xE2\x82\xAC"), 0u);  // complete
  EXPECT_EQ(unicode::incomplete_utf8_tail("a\x80"), 0u);         // invalid, not incomplete
  EXPECT_EQ(unicode::incomplete_utf8_tail(""), 0u);
}

TEST(Unicode, ByteAlphabet) {
  // GPT-2 bytes_to_unicode: printable bytes map to themselves; space (the 33rd unprintable byte,
  // 0x20) maps to U+0100 + 32 = U+0120 'Ġ'; newline 0x0A to U+010A 'Ċ'.
  EXPECT_EQ(unicode::byte_to_char('A'), uint32_t('A'));
  EXPECT_EQ(unicode::byte_to_char(' '), 0x120u);
  EXPECT_EQ(unicode::byte_to_char('\n'), 0x10Au);
  for (int b = 0; b < 256; ++b) EXPECT_EQ(unicode::char_to_byte(unicode::byte_to_char(uint8_t(b))), b);
  EXPECT_EQ(unicode::char_to_byte(0x4E00), -1);
  EXPECT_TRUE(unicode::is_whitespace(0x3000));
  EXPECT_FALSE(unicode::is_whitespace(0x200B));  // zero-width space is not White_Space
}

}  // namespace
}  // namespace grpo
