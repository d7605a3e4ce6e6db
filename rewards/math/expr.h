// Expression trees for math answers: a small LaTeX/plain parser (expr_parser.cpp) and an
// evaluator (expr_eval.cpp) that folds to an exact rational where it can and to a double where it
// cannot (sqrt of a non-square, pi, e, sin, variables). Called by rewards/math/answer.cpp on one
// scalar (no commas, no '='); structures (sets, intervals, relations) are answer.cpp's job.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rewards/math/rational.h"

namespace grpo::math {

enum class NodeKind {
  kNumber,     // literal: q exact when it fits, d always
  kConstant,   // name: "pi", "e", "inf"
  kVariable,   // name: one lowercase letter or a Greek command name ("alpha")
  kText,       // name: the words of \text{...} (lowercase, no spaces)
  kAdd,        // kids[0] + kids[1] + ...
  kNeg,        // -kids[0]
  kMul,        // kids[0] * kids[1] * ...
  kDiv,        // kids[0] / kids[1]
  kPow,        // kids[0] ^ kids[1]
  kRoot,       // kids[0] ^ (1 / root_index)
  kFunc,       // name(kids...): sin cos tan ln log exp (log: kids[1] is the base)
  kPercent,    // kids[0] / 100, remembered as a percentage (math-verify compares 50% with 50)
  kFactorial,  // kids[0]!
  kBinom,      // binom(kids[0], kids[1])
};

// What a whole answer literally is; math-verify's comparison rules depend on it.
enum class LiteralKind { kNone, kInteger, kRational, kFloat };

struct Node {
  NodeKind kind = NodeKind::kNumber;
  std::optional<Rational> q;  // kNumber: the exact value when it fits in __int128
  double d = 0.0;             // kNumber: the value as a double
  bool decimal_point = false; // kNumber: written with a '.' or an exponent (a float literal)
  std::string name;
  int64_t root_index = 2;
  std::vector<Node> kids;
};

struct ParsedExpr {
  std::optional<Node> node;
  std::string error;  // why parsing failed ("unexpected ',' at 3")
};

// Parses one normalised scalar expression. Never throws.
ParsedExpr parse_expression(std::string_view text);

// The literal class of a parsed scalar: 7 and -7 are integers, \frac{1}{2} a rational, 0.5 a float,
// 50% the class of its base; anything with an operator is kNone.
LiteralKind literal_kind(const Node& node);
bool is_percent(const Node& node);
// The integer under a literal integer percentage (50 for 50%), for math-verify's "50% == 50" rule.
std::optional<Rational> percent_base(const Node& node);

// Value of an expression: exact when every step stayed rational.
struct Num {
  bool exact = false;
  Rational q;
  double d = 0.0;
};
using VarValues = std::map<std::string, double>;
// nullopt: undefined (division by zero, even root of a negative, unbound variable, text).
std::optional<Num> evaluate(const Node& node, const VarValues* vars = nullptr);
void collect_variables(const Node& node, std::set<std::string>& out);
bool contains_text(const Node& node);
// The letters of a product of single-letter variables in written order ("yes" for y*e*s), for
// comparing \text{yes} with yes; empty when the node is anything else.
std::string letters_of(const Node& node);

}  // namespace grpo::math
