// Reflection-phrase matching and per-step statistics (see reflection.h).
#include "src/report/reflection.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace grpo {
namespace {

// The list (documented in docs/report.md). Words that signal self-verification or backtracking in
// R1-Zero-style reasoning: DeepSeek-R1 (arXiv:2501.12948) §2.2.4 shows "Wait, wait. Wait. That's an
// aha moment"; the rest are the usual re-check vocabulary.
const char* const kReflectionPhrases[] = {
    "wait",         "hmm",           "hmmm",         "check",        "checking",    "verify",
    "verifying",    "recheck",       "re-check",     "double-check", "double check", "let me check",
    "let me verify", "mistake",      "actually",     "retry",        "reconsider",  "re-evaluate",
    "re-examine",   "on second thought", "aha",
};

bool is_word(unsigned char c) { return std::isalnum(c) || c == '_'; }
bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Length of `phrase` matched at text[i] (spaces match whitespace runs), or 0.
size_t match_at(std::string_view text, size_t i, std::string_view phrase) {
  size_t t = i;
  for (size_t p = 0; p < phrase.size(); ++p) {
    if (phrase[p] == ' ') {
      if (t >= text.size() || !is_space(static_cast<unsigned char>(text[t]))) return 0;
      while (t < text.size() && is_space(static_cast<unsigned char>(text[t]))) ++t;
      continue;
    }
    if (t >= text.size() || std::tolower(static_cast<unsigned char>(text[t])) != phrase[p]) return 0;
    ++t;
  }
  if (t < text.size() && is_word(static_cast<unsigned char>(text[t]))) return 0;
  return t - i;
}

}  // namespace

const std::vector<std::string>& reflection_phrases() {
  static const std::vector<std::string> phrases = [] {
    std::vector<std::string> v(std::begin(kReflectionPhrases), std::end(kReflectionPhrases));
    std::stable_sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return v;
  }();
  return phrases;
}

std::vector<std::pair<size_t, size_t>> find_reflections(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> spans;
  const auto& phrases = reflection_phrases();
  for (size_t i = 0; i < text.size();) {
    const bool word_start = i == 0 || !is_word(static_cast<unsigned char>(text[i - 1]));
    size_t len = 0;
    if (word_start && is_word(static_cast<unsigned char>(text[i])))
      for (const std::string& p : phrases)
        if ((len = match_at(text, i, p)) > 0) break;
    if (len > 0) {
      spans.emplace_back(i, i + len);
      i += len;
    } else {
      ++i;
    }
  }
  return spans;
}

std::vector<ReflectionPoint> reflection_by_step(const std::vector<std::pair<long long, std::string_view>>& completions) {
  std::map<long long, ReflectionPoint> by_step;
  for (const auto& [step, text] : completions) {
    ReflectionPoint& p = by_step[step];
    p.step = step;
    const size_t n = count_reflections(text);
    p.completions++;
    p.mean_count += static_cast<double>(n);  // sums here, divided below
    p.frac_with_any += n > 0 ? 1 : 0;
  }
  std::vector<ReflectionPoint> out;
  for (auto& [step, p] : by_step) {
    p.mean_count /= static_cast<double>(p.completions);
    p.frac_with_any /= static_cast<double>(p.completions);
    out.push_back(p);
  }
  return out;
}

}  // namespace grpo
