// The tokenizer.json "normalizer": a list of text rewrites applied to every non-added-token span
// before pre-tokenization (HF tokenizers semantics). Built once by Tokenizer::load; apply() is
// const and thread-safe. Unknown normalizer types are rejected at load time, never ignored.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace grpo {

class Normalizer {
 public:
  // j: the "normalizer" value (object or null); where: "file: normalizer" for error messages.
  static Normalizer from_json(const nlohmann::json& j, const std::string& where);
  std::string apply(std::string_view text) const;
  bool empty() const { return steps_.empty(); }

 private:
  enum class Kind { kNfc, kNfd, kNfkc, kNfkd, kLowercase, kReplace, kPrepend };
  struct Step {
    Kind kind;
    std::string pattern, content;  // Replace: literal pattern -> content; Prepend: content
  };
  static void add(const nlohmann::json& j, const std::string& where, std::vector<Step>& steps);
  std::vector<Step> steps_;
};

}  // namespace grpo
