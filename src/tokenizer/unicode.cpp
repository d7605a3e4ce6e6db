// UTF-8 decoding follows the Unicode "maximal subpart" rule (Unicode 15, §3.9 U+FFFD substitution),
// which is what Rust's Utf8Chunks implements; HF tokenizers decodes bytes with it.
#include "src/tokenizer/unicode.h"

#include <array>
#include <unordered_map>

namespace grpo::unicode {
namespace {

// Expected length and valid range of the second byte for a lead byte; len 0 = invalid lead.
struct Lead {
  int len;
  uint8_t lo, hi;
};
Lead lead_info(uint8_t b) {
  if (b < 0x80) return {1, 0, 0};
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

// Number of bytes of s[i..] that form a valid (possibly incomplete) prefix; sets complete.
int valid_prefix(std::string_view s, size_t i, bool& complete) {
  const Lead L = lead_info(static_cast<uint8_t>(s[i]));
  complete = false;
  if (L.len == 0) return 0;
  if (L.len == 1) return complete = true, 1;
  int k = 1;
  for (; k < L.len && i + k < s.size(); ++k) {
    const uint8_t c = static_cast<uint8_t>(s[i + k]);
    const uint8_t lo = k == 1 ? L.lo : 0x80, hi = k == 1 ? L.hi : 0xBF;
    if (c < lo || c > hi) return k;
  }
  complete = k == L.len;
  return k;
}

}  // namespace

uint32_t next_codepoint(std::string_view s, size_t& i) {
  bool complete;
  const int n = valid_prefix(s, i, complete);
  if (!complete) {
    i += n > 0 ? n : 1;
    return kReplacement;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(s.data() + i);
  i += n;
  switch (n) {
    case 1:
      return p[0];
    case 2:
      return (uint32_t(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    case 3:
      return (uint32_t(p[0] & 0x0F) << 12) | (uint32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    default:
      return (uint32_t(p[0] & 0x07) << 18) | (uint32_t(p[1] & 0x3F) << 12) | (uint32_t(p[2] & 0x3F) << 6) |
             (p[3] & 0x3F);
  }
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    bool complete;
    const int n = valid_prefix(s, i, complete);
    if (!complete) return false;
    i += n;
  }
  return true;
}

bool is_whitespace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

const char* whitespace_class_body() {
  return "\\t\\n\\x0B\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";
}

std::string utf8_lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const size_t start = i;
    const uint32_t cp = next_codepoint(bytes, i);
    if (cp == kReplacement && !(i - start == 3 && bytes.substr(start, 3) == "\xEF\xBF\xBD"))
      append_utf8(out, kReplacement);
    else
      out.append(bytes.substr(start, i - start));
  }
  return out;
}

size_t incomplete_utf8_tail(std::string_view bytes) {
  // Only the last lead byte can start an unfinished sequence, and it lies within the last 3 bytes.
  const size_t n = bytes.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const size_t i = n - back;
    if ((static_cast<uint8_t>(bytes[i]) & 0xC0) == 0x80) continue;  // continuation byte
    bool complete;
    const int len = valid_prefix(bytes, i, complete);
    return !complete && len > 0 && i + len == n ? back : 0;
  }
  return 0;
}

namespace {
struct ByteAlphabet {
  std::array<uint32_t, 256> to_char{};
  std::unordered_map<uint32_t, int> to_byte;
  ByteAlphabet() {
    // Bytes that are printable Latin-1 keep their code point; the other 68 take U+0100 + k.
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      to_char[b] = printable ? uint32_t(b) : next++;
      to_byte[to_char[b]] = b;
    }
  }
};
const ByteAlphabet& alphabet() {
  static const ByteAlphabet a;
  return a;
}
}  // namespace

uint32_t byte_to_char(uint8_t b) { return alphabet().to_char[b]; }

int char_to_byte(uint32_t cp) {
  const auto& m = alphabet().to_byte;
  auto it = m.find(cp);
  return it == m.end() ? -1 : it->second;
}

}  // namespace grpo::unicode
