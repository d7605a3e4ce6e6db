// Whitespace rules (Jinja2 docs, "Whitespace Control"), as transformers configures them:
//   trim_blocks:   the first newline after a block or comment tag is removed;
//   lstrip_blocks: spaces/tabs from the start of a line up to a block/comment tag are removed;
//   `{%-`, `{{-`, `{#-` strip all whitespace before the tag; `-%}`, `-}}`, `-#}` all after it;
//   keep_trailing_newline=False: one trailing newline of the template is dropped.
#include "src/tokenizer/jinja_lexer.h"

#include <algorithm>
#include <cctype>

#include "src/util/error.h"

namespace grpo::jinja {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Lexes the inside of a tag starting at i; stops before the closing delimiter (returns its offset).
size_t lex_tag(std::string_view t, size_t i, std::string_view close, std::vector<Token>& out) {
  int depth = 0;  // (), [], {} nesting: `}}` inside a dict literal does not close the tag
  while (i < t.size()) {
    const char c = t[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (depth == 0 &&
        (t.compare(i, close.size(), close) == 0 || (c == '-' && t.compare(i + 1, close.size(), close) == 0)))
      return i;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < t.size() && (std::isalnum(static_cast<unsigned char>(t[j])) || t[j] == '_')) ++j;
      out.push_back({Token::Kind::kName, std::string(t.substr(i, j - i)), i});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      bool is_float = false;
      while (j < t.size() && (std::isdigit(static_cast<unsigned char>(t[j])) || t[j] == '.' || t[j] == '_')) {
        if (t[j] == '.') {
          if (is_float || j + 1 >= t.size() || !std::isdigit(static_cast<unsigned char>(t[j + 1]))) break;
          is_float = true;
        }
        ++j;
      }
      out.push_back({is_float ? Token::Kind::kFloat : Token::Kind::kInt, std::string(t.substr(i, j - i)), i});
      i = j;
    } else if (c == '\'' || c == '"') {
      std::string s;
      size_t j = i + 1;
      for (; j < t.size() && t[j] != c; ++j) {
        if (t[j] != '\\' || j + 1 >= t.size()) {
          s += t[j];
          continue;
        }
        const char e = t[++j];
        s += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;  // \\ \' \" keep the char
      }
      if (j >= t.size()) fail("chat template {}: unterminated string. HINT: close the quote", where(t, i));
      out.push_back({Token::Kind::kString, s, i});
      i = j + 1;
    } else {
      static const char* ops[] = {"==", "!=", "<=", ">=", "//", "**", "<", ">", "+", "-", "*", "/", "%",
                                  "~",  "|",  ".",  ",",  ":",  "(",  ")", "[", "]", "{", "}", "="};
      const char* hit = nullptr;
      for (const char* op : ops)
        if (t.compare(i, std::char_traits<char>::length(op), op) == 0) {
          hit = op;
          break;
        }
      if (hit == nullptr)
        fail("chat template {}: unexpected character '{}'. HINT: this Jinja construct is not supported", where(t, i),
             c);
      if (*hit == '(' || *hit == '[' || *hit == '{') ++depth;
      if ((*hit == ')' || *hit == ']' || *hit == '}') && depth > 0) --depth;
      out.push_back({Token::Kind::kOp, hit, i});
      i += std::char_traits<char>::length(hit);
    }
  }
  fail("chat template {}: tag is never closed with '{}'. HINT: add the closing delimiter", where(t, i), close);
}

}  // namespace

std::string where(std::string_view tmpl, size_t pos) {
  size_t line = 1, col = 1;
  for (size_t k = 0; k < pos && k < tmpl.size(); ++k) {
    if (tmpl[k] == '\n')
      ++line, col = 1;
    else
      ++col;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

std::vector<Token> lex(std::string_view t) {
  if (t.size() >= 2 && t.substr(t.size() - 2) == "\r\n")
    t.remove_suffix(2);
  else if (!t.empty() && t.back() == '\n')
    t.remove_suffix(1);
  std::vector<Token> out;
  size_t i = 0;
  bool strip_next = false, trim_newline = false;
  while (i <= t.size()) {
    size_t open = t.find('{', i);
    while (open != std::string_view::npos && open + 1 < t.size() && t[open + 1] != '{' && t[open + 1] != '%' &&
           t[open + 1] != '#')
      open = t.find('{', open + 1);
    if (open + 1 >= t.size()) open = std::string_view::npos;
    std::string text(t.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i));
    if (strip_next) {
      text.erase(0, std::min(text.size(), text.find_first_not_of(" \t\n\r\f\v")));
    } else if (trim_newline) {
      if (text.rfind("\r\n", 0) == 0)
        text.erase(0, 2);
      else if (!text.empty() && text[0] == '\n')
        text.erase(0, 1);
    }
    if (open == std::string_view::npos) {
      if (!text.empty()) out.push_back({Token::Kind::kText, text, i});
      break;
    }
    const char kind = t[open + 1];
    const bool minus = open + 2 < t.size() && t[open + 2] == '-';
    const bool plus = open + 2 < t.size() && t[open + 2] == '+';
    if (minus) {
      const size_t keep = text.find_last_not_of(" \t\n\r\f\v");
      text.erase(keep == std::string::npos ? 0 : keep + 1);
    } else if (kind != '{' && !plus) {  // lstrip_blocks: only when the tag starts its source line
      size_t k = open;
      while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t')) --k;
      if (k == 0 || t[k - 1] == '\n') text.erase(text.size() - std::min(text.size(), open - k));
    }
    if (!text.empty()) out.push_back({Token::Kind::kText, text, i});
    size_t body = open + 2 + (minus || plus ? 1 : 0);
    if (kind == '#') {
      const size_t end = t.find("#}", body);
      if (end == std::string_view::npos)
        fail("chat template {}: comment never closed. HINT: add '#}}'", where(t, open));
      strip_next = t[end - 1] == '-';
      trim_newline = !strip_next;
      i = end + 2;
      continue;
    }
    const std::string_view close = kind == '{' ? "}}" : "%}";
    out.push_back({kind == '{' ? Token::Kind::kExprBegin : Token::Kind::kStmtBegin, "", open});
    size_t end = lex_tag(t, body, close, out);
    strip_next = t[end] == '-';
    if (strip_next) ++end;
    out.push_back({kind == '{' ? Token::Kind::kExprEnd : Token::Kind::kStmtEnd, "", end});
    trim_newline = kind == '%' && !strip_next;
    i = end + 2;
  }
  out.push_back({Token::Kind::kEnd, "", t.size()});
  return out;
}

}  // namespace grpo::jinja
