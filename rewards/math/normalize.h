// String normalisation of an extracted math answer before parsing (rewards/math/answer.cpp):
// LaTeX spelling variants, delimiters, units, percent words, thousands separators. It follows the
// cleanup math-verify applies (latex2sympy2_extended's normalize_latex with units and nits on),
// not its code. Pure string-to-string; never fails.
#pragma once
#include <string>
#include <string_view>

namespace grpo::math {

// "\$1,000 \text{ dollars}." -> "1000"; "\left( \dfrac{1}{2}, 3 \right)" -> "(\frac{1}{2}, 3)";
// "50 percent" -> "50%"; "90^\circ" -> "90"; "3 \text{ and } 5" -> "3,5".
std::string normalize_answer(std::string_view raw);

// Removes trailing units: a final \text{...} / \mbox{...} (with an optional ^2), then up to two
// trailing unit words ("cm", "meters", "hours") that follow a digit, '}' or a space; keeps the
// text when nothing would remain ("\text{yes}" stays).
std::string strip_units(std::string text);

// "1,234,567" -> "1234567" and "10\,000" -> "10000" where the groups after the first have exactly
// three digits; "1,2" and "1, 000" are lists and stay.
std::string strip_thousands_separators(std::string_view text);

}  // namespace grpo::math
