// The tokenizer.json "pre_tokenizer": splits normalized text into the pieces that BPE encodes one
// by one (HF tokenizers semantics for Sequence, Split, ByteLevel, Digits). Built by Tokenizer::load;
// split() is const and thread-safe. Unknown types are rejected at load time.
#pragma once
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "src/tokenizer/split_regex.h"

namespace grpo {

class PreTokenizer {
 public:
  static PreTokenizer from_json(const nlohmann::json& j, const std::string& where);

  // Appends the pieces of text to out. Pieces are views into text, or into arena when a step adds
  // characters (ByteLevel add_prefix_space); both must outlive the pieces.
  void split(std::string_view text, std::vector<std::string_view>& out, std::deque<std::string>& arena) const;

  // True when the last step is ByteLevel: BPE then starts from the byte alphabet of each piece.
  bool byte_level() const { return byte_level_; }

 private:
  enum class Kind { kSplit, kByteLevelPrefix, kDigits };
  enum class Behavior { kIsolated, kRemoved, kMergedWithPrevious, kMergedWithNext, kContiguous };
  struct Step {
    Kind kind;
    std::vector<SplitRegex> regex;  // 0 or 1 (vector: SplitRegex is move-only)
    Behavior behavior = Behavior::kIsolated;
    bool invert = false;
    bool individual_digits = false;
  };
  void add(const nlohmann::json& j, const std::string& where);
  void apply(const Step& st, std::string_view piece, std::vector<std::string_view>& out,
             std::deque<std::string>& arena) const;

  std::vector<Step> steps_;
  bool byte_level_ = false;
};

}  // namespace grpo
