// Stop-string detection on a decoded tail window, and the cut of the final text.
#include "rollout/stop_strings.h"

#include <algorithm>

#include "src/util/error.h"

namespace grpo {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops, Detokenizer detokenize)
    : stops_(std::move(stops)), detokenize_(std::move(detokenize)) {
  size_t longest = 0;
  for (const auto& s : stops_) {
    if (s.empty()) fail("stop_strings: an empty stop string would stop at once. HINT: remove it");
    longest = std::max(longest, s.size());
  }
  if (!stops_.empty() && !detokenize_)
    fail("stop_strings given but no detokenizer. HINT: pass the tokenizer's decode to the rollout engine");
  window_tokens_ = longest + 2;
}

StopStringMatcher::Match StopStringMatcher::first_match(std::string_view text) const {
  Match m;
  for (size_t i = 0; i < stops_.size(); ++i) {
    const size_t at = text.find(stops_[i]);
    if (at != std::string_view::npos && at < m.position) m = Match{at, static_cast<int>(i)};
  }
  return m;
}

bool StopStringMatcher::completed_by_last(std::span<const TokenId> tokens) const {
  if (stops_.empty() || tokens.empty()) return false;
  const size_t n = std::min(tokens.size(), window_tokens_);
  const std::string tail = detokenize_(tokens.subspan(tokens.size() - n));
  return first_match(tail).index >= 0;
}

}  // namespace grpo
