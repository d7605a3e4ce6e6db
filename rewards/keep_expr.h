// Keep expressions: the small boolean language `grpo sample --keep` filters scored samples with,
//   accuracy_math == 1 && format >= 1 && (tokens < 512 || finish_reason == "stop")
// over the reward labels, `reward` (the weighted total), `tokens` and `finish_reason`. Parsed and
// type-checked once (errors name the column); evaluated per sample. Torch-free, no I/O.
//
// Grammar (loosest first; "!" binds looser than comparisons, like Python's `not`: "!tokens > 5"
// is "!(tokens > 5)"):
//   or    := and ("||" and)*
//   and   := not ("&&" not)*
//   not   := "!" not | cmp
//   cmp   := atom (("==" | "!=" | "<" | "<=" | ">" | ">=") atom)?     -- no chaining
//   atom  := NUMBER | STRING | "true" | "false" | NAME | `any label` | "(" or ")"
//   NAME  := [A-Za-z_][A-Za-z0-9_.-]*    STRING := "..." or '...' (\ escapes the next character)
// Types: reward labels, reward and tokens are numbers; finish_reason and string literals are
// strings (== and != only); comparisons and true/false are conditions (== and != only). "!", "&&"
// and "||" take conditions: a bare number is an error, not "non-zero".
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace grpo {

// The columns of one scored sample.
struct KeepSample {
  std::span<const double> scores;  // one per label, in the order the expression was parsed with
  double reward = 0.0;             // weighted total
  int64_t tokens = 0;              // completion tokens
  std::string_view finish_reason;  // "stop" | "length"
};

class KeepExpr {
 public:
  // Parses `text` against the reward `labels`. A bare name means the built-in column of that name
  // first (reward, tokens, finish_reason), else a label; `name` in backquotes is always a label
  // (for labels that clash with a built-in or hold other characters). Throws grpo::Error
  // "<where>: column C: problem" plus the expression with a caret under column C and a HINT.
  static KeepExpr parse(std::string_view text, std::span<const std::string> labels,
                        const std::string& where = "--keep");

  bool matches(const KeepSample& sample) const;
  // Fully parenthesised form, e.g. "((a == 1) || ((b > 0) && !(tokens < 3)))" (logs, tests).
  std::string str() const;

  enum class Kind { kOr, kAnd, kNot, kCompare, kBool, kNumber, kString, kLabel, kReward, kTokens, kFinishReason };
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  struct Node {
    Kind kind = Kind::kBool;
    Op op = Op::kEq;
    int lhs = -1, rhs = -1;  // children (kOr, kAnd, kCompare: both; kNot: lhs)
    double number = 0.0;     // kNumber; kBool: 0 or 1
    std::string text;        // kString value; kLabel name
    size_t label = 0;        // kLabel: index into the labels
  };

 private:
  std::vector<Node> nodes_;
  int root_ = -1;
  friend class KeepParser;
};

}  // namespace grpo
