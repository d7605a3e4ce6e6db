// Unicode script of a code point (by block ranges of the scripts that language rewards need),
// word segmentation by script, and the language-code -> scripts table. utf8proc decodes and
// gives the general category; it has no script property, hence the ranges here. Torch-free.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grpo {

enum class Script : uint8_t {
  kNone,  // not a letter (digit, punctuation, symbol, space)
  kLatin, kGreek, kCyrillic, kArmenian, kHebrew, kArabic, kDevanagari, kBengali, kTamil, kThai,
  kGeorgian, kHangul, kHiragana, kKatakana, kHan, kOther,  // kOther: a letter of any other script
};

const char* script_name(Script s);          // "latin", "han", ...
Script script_of(int32_t code_point);       // kNone for non-letters (utf8proc category not L*)

// Words of `text` with their script. A word is a maximal run of letters (and combining marks) of
// one script; Han, Hiragana and Katakana letters are one word each, since those scripts do not
// separate words with spaces. Digits, punctuation and symbols separate words and are not words.
// Invalid UTF-8 bytes are skipped.
struct ScriptCounts {
  std::vector<std::pair<Script, int64_t>> words;  // per script, in first-seen order
  int64_t total = 0;
};
ScriptCounts count_words_by_script(std::string_view text);

// "en", "zh-CN", "ja", ... -> the scripts of that language; also accepts a script name ("latin").
// nullopt for an unknown code.
std::optional<std::vector<Script>> scripts_for_language(std::string_view language);

}  // namespace grpo
