// Equivalence of two parsed math answers (answer.h), gold first: the decision rules of HF
// math-verify's verify() (grader.py), re-implemented on exact rationals and doubles instead of
// sympy. Called by rewards/accuracy_math.cpp. Pure and thread-safe; never throws.
#pragma once
#include <string>

#include "rewards/math/answer.h"

namespace grpo::math {

struct EquivalenceOptions {
  int float_rounding = 6;  // decimals kept when either side is a decimal literal (math-verify: 6)
  double rel_tol = 1e-9;   // relative tolerance for values that are not exact rationals
};

struct Verdict {
  bool equal = false;
  std::string reason;  // "exact", "rounded to 6 decimals", "set (order-insensitive)", "interval ends differ", ...
};

Verdict equivalent(const MathAnswer& gold, const MathAnswer& pred, const EquivalenceOptions& opts);

// Scalars only (exposed for tests): the numeric rules of math-verify's sympy_numeric_eq.
Verdict equivalent_scalars(const Node& gold, const Node& pred, const EquivalenceOptions& opts);

}  // namespace grpo::math
