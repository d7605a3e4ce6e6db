// Answer extraction (see extract.h). The boxed scan runs right to left like math-verify's
// extract_boxed_content, so nested boxes resolve the same way.
#include "rewards/math/extract.h"

#include <re2/re2.h>

#include <cctype>
#include <vector>

namespace grpo::math {
namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Closing brace matching the '{' at `open`, searching below `limit`.
size_t matching_brace(std::string_view s, size_t open, size_t limit) {
  int depth = 0;
  for (size_t i = open; i < limit; ++i) {
    if (s[i] == '{') ++depth;
    else if (s[i] == '}' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

bool has_separator(std::string_view between) {
  if (between.find(',') != std::string_view::npos || between.find(';') != std::string_view::npos) return true;
  for (std::string_view word : {"and", "or"}) {
    for (size_t p = between.find(word); p != std::string_view::npos; p = between.find(word, p + 1)) {
      const bool left = p == 0 || !std::isalnum(static_cast<unsigned char>(between[p - 1]));
      const size_t e = p + word.size();
      const bool right = e >= between.size() || !std::isalnum(static_cast<unsigned char>(between[e]));
      if (left && right) return true;
    }
  }
  return false;
}

size_t rfind_before(std::string_view s, std::string_view what, size_t before) {
  if (before < what.size()) return std::string_view::npos;
  return s.rfind(what, before - what.size());
}

}  // namespace

std::optional<std::string> answer_tag(std::string_view text, std::string_view open, std::string_view close) {
  const size_t end = text.rfind(close);
  if (end == std::string_view::npos) return std::nullopt;
  const size_t start = text.rfind(open, end);
  if (start == std::string_view::npos) return std::nullopt;
  return trim(text.substr(start + open.size(), end - start - open.size()));
}

std::optional<std::string> last_boxed(std::string_view text) {
  std::vector<std::string> found;  // right to left
  size_t limit = text.size();      // boxes must end before the previous one started
  size_t previous_start = std::string_view::npos;
  for (;;) {
    const size_t b = rfind_before(text, "\\boxed", limit), f = rfind_before(text, "\\fbox", limit);
    if (b == std::string_view::npos && f == std::string_view::npos) break;
    const bool is_boxed = f == std::string_view::npos || (b != std::string_view::npos && b > f);
    const size_t start = is_boxed ? b : f;
    size_t brace = start + (is_boxed ? 6 : 5);
    while (brace < limit && std::isspace(static_cast<unsigned char>(text[brace]))) ++brace;
    if (brace >= limit || text[brace] != '{') break;
    const size_t close = matching_brace(text, brace, limit);
    if (close == std::string_view::npos) break;
    std::string content = trim(text.substr(brace + 1, close - brace - 1));
    if (previous_start != std::string_view::npos) {
      const std::string_view between = text.substr(close + 1, previous_start - close - 1);
      const bool near = between.size() < 10 ||
                        (content != found.back() && between.size() < 70 && has_separator(between));
      if (!near) break;
    }
    if (found.empty() || found.back() != content) found.push_back(std::move(content));
    previous_start = start;
    limit = start;
  }
  if (found.empty()) return std::nullopt;
  std::string joined;
  for (auto it = found.rbegin(); it != found.rend(); ++it) {
    if (!joined.empty()) joined += ",";
    joined += *it;
  }
  return joined;
}

std::optional<std::string> regex_answer(std::string_view text, const re2::RE2& pattern) {
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match[2];
  const int groups = pattern.NumberOfCapturingGroups() >= 1 ? 2 : 1;
  std::optional<std::string> last;
  size_t pos = 0;
  while (pos <= text.size() && pattern.Match(input, pos, text.size(), RE2::UNANCHORED, match, groups)) {
    const re2::StringPiece& m = match[groups - 1];
    last = trim(std::string_view(m.data() ? m.data() : "", m.size()));
    const size_t end = static_cast<size_t>(match[0].data() - text.data()) + match[0].size();
    pos = match[0].empty() ? end + 1 : end;
  }
  return last;
}

}  // namespace grpo::math
