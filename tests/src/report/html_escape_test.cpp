// Escaping of untrusted text: markup renders as text, invalid UTF-8 and control bytes are repaired.
#include "src/report/html_escape.h"

#include <gtest/gtest.h>

namespace grpo {
namespace {

TEST(HtmlEscape, MarkupBecomesText) {
  EXPECT_EQ(html_escape("</script><b>x & \"y\" 'z'"), "&lt;/script&gt;&lt;b&gt;x &amp; &quot;y&quot; &#39;z&#39;");
  EXPECT_EQ(html_escape("a\n\tb  c\r\n"), "a\n\tb  c\r\n");  // whitespace untouched
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;");
}

TEST(HtmlEscape, RepairsUtf8AndControlBytes) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(html_escape("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80");  // é ✓ 😀
  EXPECT_EQ(html_escape("a\xFF" "b"), "a" + fffd + "b");                      // never a UTF-8 byte
  EXPECT_EQ(html_escape("\xC3"), fffd);                                        // truncated sequence
  EXPECT_EQ(html_escape("\xC0\xAF"), fffd + fffd);                             // overlong '/'
  EXPECT_EQ(html_escape("\xED\xA0\x80"), fffd + fffd + fffd);                  // surrogate U+D800
  EXPECT_EQ(html_escape(std::string("x\x00y\x1b", 4)), "x" + fffd + "y" + fffd);  // NUL, ESC: not XML
}

}  // namespace
}  // namespace grpo
