// A pre-tokenizer regex in HF tokenizers' (Oniguruma) dialect, run with RE2. Translates the pieces
// RE2 reads differently (\s, \S, \d, \w are Unicode in Oniguruma, ASCII in RE2) and implements the
// look-ahead idiom `\s+(?!\S)|\s+` of GPT-2/Qwen/DeepSeek patterns, which RE2 cannot express.
// Used by PreTokenizer; find() is const and thread-safe. Any other look-around is rejected.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace re2 {
class RE2;
}

namespace grpo {

class SplitRegex {
 public:
  // pattern: Oniguruma-dialect regex; literal: treat pattern as a plain string (Split "String").
  // where: context for errors ("tokenizer.json: pre_tokenizer.pretokenizers[0]").
  SplitRegex(const std::string& pattern, bool literal, const std::string& where);
  ~SplitRegex();
  SplitRegex(SplitRegex&&) noexcept;
  SplitRegex& operator=(SplitRegex&&) noexcept;

  // Non-overlapping leftmost-first matches in text as [begin, end) byte offsets (no empty matches).
  void find(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const;

  // Exposed for tests: the RE2 pattern the Oniguruma pattern became.
  static std::string translate(const std::string& pattern, bool& ws_lookahead, const std::string& where);

 private:
  std::unique_ptr<re2::RE2> re_;
  std::unique_ptr<re2::RE2> before_ws_;  // the alternatives before `\s+(?!\S)|\s+`, when present
  bool ws_lookahead_ = false;
};

}  // namespace grpo
