// Reflection words in completions ("wait", "let me check", "hmm", ...): the signal of the R1-Zero
// "aha moment", counted per completion and averaged per dumped step for the report. Text in, counts
// out; no I/O. The phrase list lives in one place, kReflectionPhrases in reflection.cpp.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace grpo {

// The phrases, lower case, longest first (the order in which they are tried at a position).
const std::vector<std::string>& reflection_phrases();

// Byte spans [begin, end) of reflection phrases in `text`. Matching rules:
//  - case-insensitive (ASCII), whole words: the characters just before and after a match are not
//    ASCII letters, digits or '_' (so "waiting", "checked", "await", "unverify" do not count;
//    inflected forms count only where listed, e.g. "checking");
//  - a space inside a phrase matches any run of whitespace ("let  me\ncheck");
//  - matches do not overlap and the longest phrase wins at a position, so "let me check" and
//    "double-check" count once each, not also as "check".
std::vector<std::pair<size_t, size_t>> find_reflections(std::string_view text);
inline size_t count_reflections(std::string_view text) { return find_reflections(text).size(); }

struct ReflectionPoint {
  long long step = 0;
  size_t completions = 0;
  double mean_count = 0;     // reflection phrases per completion
  double frac_with_any = 0;  // fraction of completions with at least one
};

// Per-step statistics over (step, completion) pairs, ascending by step.
std::vector<ReflectionPoint> reflection_by_step(const std::vector<std::pair<long long, std::string_view>>& completions);

}  // namespace grpo
