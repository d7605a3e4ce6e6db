// Answer-string normalisation (see normalize.h). Plain string scans: this runs on every sample of
// every step, so no regex engine and no allocation beyond the output strings.
#include "rewards/math/normalize.h"

#include <array>
#include <cctype>
#include <utility>

namespace grpo::math {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

// Replaces the command \name (not followed by a letter) by `to`.
void replace_command(std::string& s, std::string_view name, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(name, pos)) != std::string::npos) {
    const size_t end = pos + name.size();
    if (end < s.size() && is_alpha(s[end])) {
      pos = end;
      continue;
    }
    s.replace(pos, name.size(), to);
    pos += to.size();
  }
}

// Replaces a standalone word (no letters on either side) by `to`.
void replace_word(std::string& s, std::string_view word, std::string_view to, bool eat_space_before) {
  size_t pos = 0;
  while ((pos = s.find(word, pos)) != std::string::npos) {
    const size_t end = pos + word.size();
    const bool left_ok = pos == 0 || (!is_alpha(s[pos - 1]) && s[pos - 1] != '\\');
    const bool right_ok = end >= s.size() || !is_alpha(s[end]);
    if (!left_ok || !right_ok) {
      pos = end;
      continue;
    }
    size_t start = pos;
    if (eat_space_before)
      while (start > 0 && s[start - 1] == ' ') --start;
    s.replace(start, end - start, to);
    pos = start + to.size();
  }
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Unit words removed at the end of an answer (plural "s"/"es" also matches). Common units of
// length, area, time, mass, money, angle and counting nouns seen in grade-school datasets.
constexpr std::array<std::string_view, 64> kUnitWords = {
    "cm", "mm", "km", "m", "meter", "metre", "inch", "inche", "feet", "foot", "ft", "yard", "mile",
    "sq", "square", "cubic", "unit", "kg", "g", "gram", "lb", "pound", "liter", "litre", "gallon",
    "ml", "second", "sec", "minute", "min", "hour", "hr", "day", "week", "month", "year", "yr",
    "mph", "kmh", "kmph", "degree", "deg", "dollar", "cent", "rupee", "rs", "euro", "point",
    "apple", "student", "people", "person", "child", "children", "ticket", "page", "book", "car",
    "cookie", "marble", "ball", "time", "way", "h"};

bool ends_with_unit_word(const std::string& s, size_t& cut) {
  // The last word, with its plural suffix.
  size_t e = s.size();
  size_t b = e;
  while (b > 0 && is_alpha(s[b - 1])) --b;
  if (b == e || b == 0) return false;
  const char before = s[b - 1];
  if (!(is_digit(before) || before == '}' || before == ' ')) return false;
  std::string word = s.substr(b);
  for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto matches = [&](std::string_view w) {
    if (word == w) return true;
    if (word.size() == w.size() + 1 && word.back() == 's' && word.compare(0, w.size(), w) == 0) return true;
    return word.size() == w.size() + 2 && word.compare(word.size() - 2, 2, "es") == 0 &&
           word.compare(0, w.size(), w) == 0;
  };
  for (auto w : kUnitWords) {
    if (matches(w)) {
      cut = b;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string strip_units(std::string text) {
  // A trailing \text{...} (optionally ^2 / ^{2}) is a unit when something remains before it.
  const size_t t = text.rfind("\\text{");
  if (t != std::string::npos && t > 0) {
    const size_t close = text.find('}', t);
    if (close != std::string::npos) {
      std::string rest = text.substr(close + 1);
      if (rest.empty() || rest == "^2" || rest == "^3" || rest == "^{2}" || rest == "^{3}") {
        std::string kept = trim(std::string_view(text).substr(0, t));
        if (!kept.empty()) text = kept;
      }
    }
  }
  for (int i = 0; i < 2; ++i) {
    size_t cut = 0;
    std::string trimmed = trim(text);
    if (!ends_with_unit_word(trimmed, cut)) break;
    std::string kept = trim(std::string_view(trimmed).substr(0, cut));
    if (kept.empty()) break;
    text = kept;
  }
  return text;
}

std::string strip_thousands_separators(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    // A number starts at a digit not preceded by a digit, '.', or a letter.
    const bool starts = is_digit(s[i]) && (i == 0 || (!is_digit(s[i - 1]) && s[i - 1] != '.' && !is_alpha(s[i - 1])));
    if (!starts) {
      out += s[i++];
      continue;
    }
    size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    std::string number(s.substr(i, j - i));
    if (j - i <= 3) {
      size_t k = j;
      std::string joined = number;
      int groups = 0;
      for (;;) {
        size_t sep = 0;
        if (k < s.size() && s[k] == ',') sep = 1;
        else if (s.compare(k, 2, "\\,") == 0) sep = 2;
        else if (s.compare(k, 3, "{,}") == 0) sep = 3;
        if (sep == 0 || k + sep + 3 > s.size()) break;
        const size_t g = k + sep;
        if (!is_digit(s[g]) || !is_digit(s[g + 1]) || !is_digit(s[g + 2])) break;
        if (g + 3 < s.size() && is_digit(s[g + 3])) break;
        joined += std::string(s.substr(g, 3));
        k = g + 3;
        ++groups;
      }
      if (groups > 0) {
        out += joined;
        i = k;
        continue;
      }
    }
    out += number;
    i = j;
  }
  return out;
}

std::string normalize_answer(std::string_view raw) {
  std::string s(raw);
  replace_all(s, "\\$", "");
  replace_all(s, "$", "");
  // A negative thin space, and the spaces after it, go: MATH writes 11,\! 111 for 11111.
  for (size_t p = s.find("\\!"); p != std::string::npos; p = s.find("\\!", p)) {
    size_t e = p + 2;
    while (e < s.size() && s[e] == ' ') ++e;
    s.erase(p, e - p);
  }
  replace_command(s, "\\displaystyle", "");
  replace_command(s, "\\left.", "");
  replace_command(s, "\\right.", "");
  replace_command(s, "\\left", "");
  replace_command(s, "\\right", "");
  for (auto f : {"\\dfrac", "\\tfrac", "\\cfrac"}) replace_command(s, f, "\\frac");
  for (auto t : {"\\textbf", "\\textit", "\\textrm", "\\textnormal", "\\mathrm", "\\mathit", "\\mathbf", "\\mbox"})
    replace_command(s, t, "\\text");
  for (auto deg : {"^{\\circ}", "^\\circ", "\\circ", "\\degree", "°"}) replace_all(s, deg, "");
  replace_all(s, "\\%", "%");
  replace_all(s, "\\ldots", " ");
  replace_all(s, "\\dots", " ");
  replace_command(s, "\\infinity", "\\infty");
  replace_word(s, "infinity", "\\infty", false);
  replace_command(s, "\\emptyset", "\\varnothing");
  // \text{ and } / \text{or} / a bare "and" between items separate list items.
  for (auto w : {"\\text{ and }", "\\text{and}", "\\text{ or }", "\\text{or}"}) replace_all(s, w, ",");
  replace_word(s, "and", ",", true);
  replace_word(s, "or", ",", true);
  for (auto w : {"\\text{percent}", "\\text{ percent}", "\\text{percentage}", "\\text{pct}"}) replace_all(s, w, "%");
  for (auto w : {"percentage", "percent", "pct"}) replace_word(s, w, "%", true);
  s = strip_thousands_separators(s);
  // Matrix rows end in a double backslash: keep them out of the control-space rule below.
  replace_all(s, "\\\\", "\x01");
  for (auto sp : {"\\,", "\\;", "\\:", "\\quad", "\\qquad", "\\ ", "~"}) replace_all(s, sp, " ");
  replace_all(s, "\x01", "\\\\");
  constexpr std::pair<const char*, const char*> kInequalities[] = {
      {"\\leqslant", "\\le"}, {"\\geqslant", "\\ge"}, {"≤", "\\le"}, {"≥", "\\ge"}};
  for (auto [from, to] : kInequalities) replace_all(s, from, to);
  s = strip_units(trim(s));
  // A sentence-final period is not part of the answer ("5." -> "5").
  while (!s.empty() && (s.back() == '.' || std::isspace(static_cast<unsigned char>(s.back())))) s.pop_back();
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, "\\.") == 0) s.resize(s.size() - 2);
  return trim(s);
}

}  // namespace grpo::math
