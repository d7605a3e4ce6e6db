// Script ranges follow the Unicode blocks of each script (Unicode 15); letters outside them are kOther.
#include "rewards/unicode_script.h"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>

namespace grpo {
namespace {

struct Range {
  int32_t first, last;
  Script script;
};

constexpr Range kRanges[] = {
    {0x0041, 0x005A, Script::kLatin},     {0x0061, 0x007A, Script::kLatin},      {0x00AA, 0x00AA, Script::kLatin},
    {0x00BA, 0x00BA, Script::kLatin},     {0x00C0, 0x024F, Script::kLatin},      {0x0250, 0x02AF, Script::kLatin},
    {0x0370, 0x03FF, Script::kGreek},     {0x0400, 0x052F, Script::kCyrillic},   {0x0530, 0x058F, Script::kArmenian},
    {0x0590, 0x05FF, Script::kHebrew},    {0x0600, 0x06FF, Script::kArabic},     {0x0750, 0x077F, Script::kArabic},
    {0x08A0, 0x08FF, Script::kArabic},    {0x0900, 0x097F, Script::kDevanagari}, {0x0980, 0x09FF, Script::kBengali},
    {0x0B80, 0x0BFF, Script::kTamil},     {0x0E00, 0x0E7F, Script::kThai},       {0x10A0, 0x10FF, Script::kGeorgian},
    {0x1100, 0x11FF, Script::kHangul},    {0x1C80, 0x1C8F, Script::kCyrillic},   {0x1E00, 0x1EFF, Script::kLatin},
    {0x1F00, 0x1FFF, Script::kGreek},     {0x2C60, 0x2C7F, Script::kLatin},      {0x2DE0, 0x2DFF, Script::kCyrillic},
    {0x2E80, 0x2FDF, Script::kHan},       {0x3005, 0x3007, Script::kHan},        {0x3021, 0x3029, Script::kHan},
    {0x3040, 0x309F, Script::kHiragana},  {0x30A0, 0x30FF, Script::kKatakana},   {0x3130, 0x318F, Script::kHangul},
    {0x31F0, 0x31FF, Script::kKatakana},  {0x3400, 0x4DBF, Script::kHan},        {0x4E00, 0x9FFF, Script::kHan},
    {0xA640, 0xA69F, Script::kCyrillic},  {0xA720, 0xA7FF, Script::kLatin},      {0xA960, 0xA97F, Script::kHangul},
    {0xAC00, 0xD7AF, Script::kHangul},    {0xD7B0, 0xD7FF, Script::kHangul},     {0xF900, 0xFAFF, Script::kHan},
    {0xFB1D, 0xFB4F, Script::kHebrew},    {0xFB50, 0xFDFF, Script::kArabic},     {0xFE70, 0xFEFF, Script::kArabic},
    {0xFF21, 0xFF3A, Script::kLatin},     {0xFF41, 0xFF5A, Script::kLatin},      {0xFF66, 0xFF9F, Script::kKatakana},
    {0xFFA0, 0xFFDC, Script::kHangul},    {0x20000, 0x3134F, Script::kHan},
};

bool is_letter(utf8proc_category_t c) {
  return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
         c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_LO;
}
bool is_mark(utf8proc_category_t c) {
  return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}
bool one_char_words(Script s) { return s == Script::kHan || s == Script::kHiragana || s == Script::kKatakana; }

}  // namespace

const char* script_name(Script s) {
  static constexpr const char* kNames[] = {"none",  "latin",   "greek",    "cyrillic", "armenian", "hebrew",
                                           "arabic", "devanagari", "bengali", "tamil",   "thai",     "georgian",
                                           "hangul", "hiragana", "katakana", "han",      "other"};
  return kNames[static_cast<int>(s)];
}

Script script_of(int32_t cp) {
  if (!is_letter(utf8proc_category(cp))) return Script::kNone;
  for (const Range& r : kRanges)
    if (cp >= r.first && cp <= r.last) return r.script;
  return Script::kOther;
}

ScriptCounts count_words_by_script(std::string_view text) {
  ScriptCounts counts;
  auto add = [&](Script s) {
    auto it = std::find_if(counts.words.begin(), counts.words.end(), [&](const auto& p) { return p.first == s; });
    if (it == counts.words.end()) counts.words.emplace_back(s, 1);
    else ++it->second;
    ++counts.total;
  };
  Script current = Script::kNone;  // script of the word being read; kNone between words
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {  // invalid byte: skip it, it ends the word
      n = 1;
      current = Script::kNone;
    } else if (is_mark(utf8proc_category(cp)) && current != Script::kNone) {
      // a combining mark continues the current word
    } else {
      const Script s = script_of(cp);
      if (s == Script::kNone) current = Script::kNone;
      else if (s != current || one_char_words(s)) add(current = s);
    }
    p += n;
    left -= n;
  }
  return counts;
}

std::optional<std::vector<Script>> scripts_for_language(std::string_view language) {
  std::string code;
  for (char c : language) {
    if (c == '-' || c == '_') break;
    code.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  using S = Script;
  struct Entry {
    const char* codes;  // space-separated ISO 639-1 codes (and English names)
    std::vector<Script> scripts;
  };
  static const Entry kLanguages[] = {
      {"en fr de es it pt nl sv da no nb nn fi pl cs sk sl hr ro hu tr id ms vi tl sw et lv lt is ga cy ca eu gl af sq "
       "english french german spanish italian portuguese latin",
       {S::kLatin}},
      {"zh chinese han", {S::kHan}},
      {"ja japanese", {S::kHan, S::kHiragana, S::kKatakana}},
      {"ko korean hangul", {S::kHangul}},
      {"ru uk be bg sr mk kk ky mn tg russian ukrainian cyrillic", {S::kCyrillic}},
      {"el greek", {S::kGreek}},
      {"hy armenian", {S::kArmenian}},
      {"he yi hebrew", {S::kHebrew}},
      {"ar fa ur ps arabic persian", {S::kArabic}},
      {"hi mr ne sa hindi devanagari", {S::kDevanagari}},
      {"bn bengali", {S::kBengali}},
      {"ta tamil", {S::kTamil}},
      {"th thai", {S::kThai}},
      {"ka georgian", {S::kGeorgian}},
      {"hiragana", {S::kHiragana}},
      {"katakana", {S::kKatakana}},
  };
  if (code.empty()) return std::nullopt;
  for (const Entry& e : kLanguages) {
    std::string_view codes = e.codes;
    for (size_t start = 0; start < codes.size();) {
      size_t end = codes.find(' ', start);
      if (end == std::string_view::npos) end = codes.size();
      if (codes.substr(start, end - start) == code) return e.scripts;
      start = end + 1;
    }
  }
  return std::nullopt;
}

}  // namespace grpo
