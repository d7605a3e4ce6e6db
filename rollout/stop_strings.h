// Stop strings matched on decoded text, across token boundaries. Semantics (docs/rollout.md):
//  - after each new token the engine asks whether a stop string ends inside the text that token added;
//    the completion then ends with that token (its ids and log-probs include it, finish "stop");
//  - the returned text is the decoded completion cut just before the earliest-starting occurrence of
//    any stop string (the stop string itself and anything after it are not returned).
// Uses only a detokenizer callback, so rollout/ needs no tokenizer. Never touches tensors.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rollout/sampling_params.h"

namespace grpo {

// Token ids -> text (a tokenizer's decode). Called on the engine's thread; must be thread-compatible.
using Detokenizer = std::function<std::string(std::span<const TokenId>)>;

class StopStringMatcher {
 public:
  StopStringMatcher(std::vector<std::string> stops, Detokenizer detokenize);
  bool empty() const { return stops_.empty(); }

  // Whether a stop string is completed by the last token of `tokens` (the completion so far). Decodes
  // only a tail window of max_stop_bytes + 2 tokens: a stop string of b bytes spans at most b tokens
  // when every token carries at least one byte, and an occurrence that ended earlier was already
  // reported by an earlier call (the engine calls this after every token and stops at the first hit).
  bool completed_by_last(std::span<const TokenId> tokens) const;

  // The earliest occurrence of any stop string in `text`: {position, index into stops}, or
  // {npos, -1} when there is none.
  struct Match {
    size_t position = std::string_view::npos;
    int index = -1;
  };
  Match first_match(std::string_view text) const;
  const std::vector<std::string>& stops() const { return stops_; }

 private:
  std::vector<std::string> stops_;
  Detokenizer detokenize_;
  size_t window_tokens_ = 0;
};

}  // namespace grpo
