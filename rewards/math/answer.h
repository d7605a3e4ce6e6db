// A math answer as a structure: a scalar expression, text, an interval, a union of intervals, a
// tuple, a set, a matrix, a relation (x = 5, x \in [1,2]) or an inequality chain (1 \le x < 2). Built from a normalised answer string
// (normalize.h) by parse_answer; compared by rewards/math/equivalence.cpp. Never throws.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rewards/math/expr.h"

namespace grpo::math {

enum class AnswerKind { kScalar, kInterval, kUnion, kTuple, kSet, kRelation, kInequality, kMatrix };

struct MathAnswer {
  AnswerKind kind = AnswerKind::kScalar;
  Node expr;                      // kScalar
  bool left_open = false;         // kInterval: items = {start, end}
  bool right_open = false;
  bool bare_list = false;         // kSet written without braces ("1, 2"); shown as list{...}
  bool assignment = false;        // kRelation: the left side is only symbols (x = 5, y = 2x+3)
  std::vector<MathAnswer> items;  // interval ends, union parts, tuple/set elements, relation {lhs, rhs},
                                  // inequality operands (a < b <= c), matrix rows (each a kTuple)
  std::vector<std::string> ops;   // kInequality: "<", "<=", ">", ">=" between consecutive items
};

// The interval an inequality in one variable describes (x > 5 -> (5, inf); 1 <= x < 2 -> [1, 2)),
// for math-verify's "relation vs set" comparison; nullopt for anything else.
std::optional<MathAnswer> inequality_as_interval(const MathAnswer& inequality);

struct ParsedAnswer {
  std::optional<MathAnswer> value;
  std::string error;  // why parsing failed, for the reward's details
};

ParsedAnswer parse_answer(std::string_view normalized);

// A short readable form for details and test messages: "interval(1, 2]", "set{1, 2}".
std::string describe(const MathAnswer& answer);

}  // namespace grpo::math
