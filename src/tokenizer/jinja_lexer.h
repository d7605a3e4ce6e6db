// Lexer of the chat-template interpreter: splits a Jinja template into text and tag tokens with
// transformers' environment settings (trim_blocks, lstrip_blocks, no trailing newline kept) and the
// `{%-`/`-%}` whitespace control already applied. Positions are byte offsets for error messages.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace grpo::jinja {

struct Token {
  enum class Kind { kText, kExprBegin, kExprEnd, kStmtBegin, kStmtEnd, kName, kString, kInt, kFloat, kOp, kEnd };
  Kind kind;
  std::string text;  // text / name / string value / number / operator
  size_t pos;        // byte offset in the template
};

std::vector<Token> lex(std::string_view tmpl);

// "line L, column C" of a byte offset, for errors.
std::string where(std::string_view tmpl, size_t pos);

}  // namespace grpo::jinja
