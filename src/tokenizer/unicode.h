// UTF-8 and Unicode helpers shared by the tokenizer: code-point iteration, the White_Space property,
// Rust-compatible lossy decoding, and the GPT-2 byte-level alphabet (256 bytes <-> printable chars).
// Called by the normalizer, pre-tokenizer, added-token matcher and decoders. Torch-free.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace grpo::unicode {

constexpr uint32_t kReplacement = 0xFFFD;

// Decodes the code point at s[i] and advances i. An invalid sequence yields kReplacement and
// advances past its maximal valid prefix (at least one byte), as Rust's from_utf8_lossy does.
uint32_t next_codepoint(std::string_view s, size_t& i);
void append_utf8(std::string& out, uint32_t cp);
bool is_valid_utf8(std::string_view s);

// Unicode White_Space (what Rust's char::is_whitespace and Oniguruma's \s accept).
bool is_whitespace(uint32_t cp);
// The same set as the body of a regex character class, for building RE2 patterns.
const char* whitespace_class_body();

// Each maximal invalid subsequence becomes one U+FFFD (Rust String::from_utf8_lossy).
std::string utf8_lossy(std::string_view bytes);
// Length of a trailing sequence that is a valid but incomplete UTF-8 prefix (0..3): the bytes a
// streaming decoder must hold back until the next token arrives.
size_t incomplete_utf8_tail(std::string_view bytes);

// GPT-2 byte-level alphabet: printable bytes map to themselves, the rest to U+0100.. in order.
uint32_t byte_to_char(uint8_t b);
int char_to_byte(uint32_t cp);  // -1 when cp is not in the alphabet

}  // namespace grpo::unicode
