// Keep expressions: lexer, recursive-descent parser with static types, evaluator (keep_expr.h).
#include "rewards/keep_expr.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

#include "src/util/error.h"

namespace grpo {
namespace {

enum class Tok { kNumber, kString, kName, kQuoted, kAnd, kOr, kNot, kCompare, kOpen, kClose, kEnd };
enum class Type { kCondition, kNumber, kString };

struct Token {
  Tok kind;
  size_t column;      // 1-based
  std::string text;   // source text (kString: the decoded value; kQuoted: the label)
  KeepExpr::Op op = KeepExpr::Op::kEq;
  double number = 0;
};

const char* type_name(Type t) {
  return t == Type::kCondition ? "a condition" : t == Type::kNumber ? "a number" : "a string";
}

const char* op_text(KeepExpr::Op op) {
  static const char* const kText[] = {"==", "!=", "<", "<=", ">", ">="};
  return kText[static_cast<int>(op)];
}

// The source name of a leaf column.
std::string render_node(const KeepExpr::Node& n) {
  switch (n.kind) {
    case KeepExpr::Kind::kReward: return "reward";
    case KeepExpr::Kind::kTokens: return "tokens";
    case KeepExpr::Kind::kFinishReason: return "finish_reason";
    default: return n.text;
  }
}

}  // namespace

class KeepParser {
 public:
  KeepParser(std::string_view text, std::span<const std::string> labels, const std::string& where)
      : text_(text), labels_(labels), where_(where) {}

  KeepExpr run() {
    if (text_.find_first_not_of(" \t\r\n") == std::string_view::npos)
      error(1, "the expression is empty", "write a condition such as: accuracy_math == 1");
    lex();
    const auto [root, type] = parse_or();
    if (tokens_[pos_].kind != Tok::kEnd) {
      const Token& t = tokens_[pos_];
      if (t.kind == Tok::kCompare && last_was_compare_)
        error(t.column, fmt::format("comparisons do not chain ('{}' after a comparison)", t.text),
              "write a < b && b < c");
      error(t.column, fmt::format("unexpected '{}'", t.text), "join conditions with && or ||");
    }
    require_condition(root, type, 1);
    out_.root_ = root;
    return std::move(out_);
  }

 private:
  using Parsed = std::pair<int, Type>;

  [[noreturn]] void error(size_t column, const std::string& problem, const std::string& hint) const {
    fail("{}: column {}: {}\n  {}\n  {}^\nHINT: {}", where_, column, problem, text_, std::string(column - 1, ' '),
         hint);
  }

  std::string valid_names() const {
    std::string s = "reward, tokens, finish_reason";
    for (const auto& l : labels_) s += ", " + l;
    return s;
  }

  void lex() {
    size_t i = 0;
    auto push = [&](Tok kind, size_t start, size_t len, KeepExpr::Op op = KeepExpr::Op::kEq) {
      tokens_.push_back(Token{kind, start + 1, std::string(text_.substr(start, len)), op, 0});
      i = start + len;
    };
    while (i < text_.size()) {
      const char c = text_[i];
      const char next = i + 1 < text_.size() ? text_[i + 1] : '\0';
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
                 ((c == '-' || c == '+') && (std::isdigit(static_cast<unsigned char>(next)) || next == '.'))) {
        lex_number(i);
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '_' ||
                                     text_[j] == '.' || text_[j] == '-'))
          ++j;
        push(Tok::kName, i, j - i);
      } else if (c == '"' || c == '\'') {
        lex_string(i);
      } else if (c == '`') {
        const size_t close = text_.find('`', i + 1);
        if (close == std::string_view::npos) error(i + 1, "unterminated `label`", "close the label with a backquote");
        std::string label(text_.substr(i + 1, close - i - 1));
        push(Tok::kQuoted, i, close + 1 - i);
        tokens_.back().text = std::move(label);
      } else if (c == '&' && next == '&') {
        push(Tok::kAnd, i, 2);
      } else if (c == '|' && next == '|') {
        push(Tok::kOr, i, 2);
      } else if (c == '=' && next == '=') {
        push(Tok::kCompare, i, 2, KeepExpr::Op::kEq);
      } else if (c == '!' && next == '=') {
        push(Tok::kCompare, i, 2, KeepExpr::Op::kNe);
      } else if (c == '<' || c == '>') {
        const bool eq = next == '=';
        push(Tok::kCompare, i, eq ? 2 : 1,
             c == '<' ? (eq ? KeepExpr::Op::kLe : KeepExpr::Op::kLt) : (eq ? KeepExpr::Op::kGe : KeepExpr::Op::kGt));
      } else if (c == '!') {
        push(Tok::kNot, i, 1);
      } else if (c == '(') {
        push(Tok::kOpen, i, 1);
      } else if (c == ')') {
        push(Tok::kClose, i, 1);
      } else if (c == '=') {
        error(i + 1, "'=' is not an operator", "compare with ==");
      } else if (c == '&' || c == '|') {
        error(i + 1, fmt::format("'{}' is not an operator", c), fmt::format("write {}{} (logical)", c, c));
      } else {
        error(i + 1, fmt::format("unexpected character '{}'", c),
              "operators are && || ! == != < <= > >= ( ); strings go in double quotes");
      }
    }
    tokens_.push_back(Token{Tok::kEnd, text_.size() + 1, "end of expression", KeepExpr::Op::kEq, 0});
  }

  void lex_number(size_t& i) {
    const std::string rest(text_.substr(i));
    char* end = nullptr;
    const double v = std::strtod(rest.c_str(), &end);
    const size_t len = static_cast<size_t>(end - rest.c_str());
    const char after = i + len < text_.size() ? text_[i + len] : '\0';
    if (len == 0 || std::isalpha(static_cast<unsigned char>(after)) || after == '_' || after == '.')
      error(i + 1, "malformed number", "numbers look like 1, 0.5, -2 or 1e-3");
    tokens_.push_back(Token{Tok::kNumber, i + 1, std::string(text_.substr(i, len)), KeepExpr::Op::kEq, v});
    i += len;
  }

  void lex_string(size_t& i) {
    const char quote = text_[i];
    std::string value;
    for (size_t j = i + 1; j < text_.size(); ++j) {
      if (text_[j] == '\\' && j + 1 < text_.size()) {
        value.push_back(text_[++j]);
      } else if (text_[j] == quote) {
        tokens_.push_back(Token{Tok::kString, i + 1, value, KeepExpr::Op::kEq, 0});
        i = j + 1;
        return;
      } else {
        value.push_back(text_[j]);
      }
    }
    error(i + 1, "unterminated string", fmt::format("close the string with {}", quote));
  }

  int add(KeepExpr::Node n) {
    out_.nodes_.push_back(std::move(n));
    return static_cast<int>(out_.nodes_.size() - 1);
  }

  void require_condition(int node, Type type, size_t column) const {
    if (type == Type::kCondition) return;
    const auto& n = out_.nodes_[static_cast<size_t>(node)];
    const bool named = n.kind == KeepExpr::Kind::kLabel || n.kind == KeepExpr::Kind::kReward ||
                       n.kind == KeepExpr::Kind::kTokens || n.kind == KeepExpr::Kind::kFinishReason;
    const std::string name = named ? render_node(n) : std::string("the value");
    error(column, fmt::format("{} is {}, not a condition", named ? "'" + name + "'" : name, type_name(type)),
          type == Type::kNumber ? "compare it, e.g. " + (named ? name : std::string("x")) + " >= 1"
                                : "compare it, e.g. finish_reason == \"stop\"");
  }

  Parsed parse_binary(Tok tok, KeepExpr::Kind kind, Parsed (KeepParser::*operand)()) {
    const size_t first_column = tokens_[pos_].column;
    Parsed left = (this->*operand)();
    while (tokens_[pos_].kind == tok) {
      require_condition(left.first, left.second, first_column);
      const size_t column = tokens_[++pos_].column;
      const Parsed right = (this->*operand)();
      require_condition(right.first, right.second, column);
      KeepExpr::Node n;
      n.kind = kind;
      n.lhs = left.first;
      n.rhs = right.first;
      left = {add(std::move(n)), Type::kCondition};
    }
    return left;
  }

  Parsed parse_or() { return parse_binary(Tok::kOr, KeepExpr::Kind::kOr, &KeepParser::parse_and); }
  Parsed parse_and() { return parse_binary(Tok::kAnd, KeepExpr::Kind::kAnd, &KeepParser::parse_not); }

  Parsed parse_not() {
    if (tokens_[pos_].kind != Tok::kNot) return parse_compare();
    ++pos_;
    const size_t column = tokens_[pos_].column;
    const Parsed operand = parse_not();
    require_condition(operand.first, operand.second, column);
    KeepExpr::Node n;
    n.kind = KeepExpr::Kind::kNot;
    n.lhs = operand.first;
    return {add(std::move(n)), Type::kCondition};
  }

  Parsed parse_compare() {
    last_was_compare_ = false;
    const Parsed left = parse_atom();
    if (tokens_[pos_].kind != Tok::kCompare) return left;
    const Token& op = tokens_[pos_++];
    const Parsed right = parse_atom();
    if (left.second != right.second)
      error(op.column, fmt::format("'{}' compares {} with {}", op.text, type_name(left.second), type_name(right.second)),
            "compare numbers with numbers and finish_reason with a quoted string");
    if (left.second != Type::kNumber && op.op != KeepExpr::Op::kEq && op.op != KeepExpr::Op::kNe)
      error(op.column, fmt::format("'{}' does not order {}s", op.text, left.second == Type::kString ? "string" : "condition"),
            "use == or !=");
    KeepExpr::Node n;
    n.kind = KeepExpr::Kind::kCompare;
    n.op = op.op;
    n.lhs = left.first;
    n.rhs = right.first;
    last_was_compare_ = true;
    return {add(std::move(n)), Type::kCondition};
  }

  Parsed parse_atom() {
    const Token& t = tokens_[pos_];
    KeepExpr::Node n;
    switch (t.kind) {
      case Tok::kNumber:
        ++pos_;
        n.kind = KeepExpr::Kind::kNumber;
        n.number = t.number;
        return {add(std::move(n)), Type::kNumber};
      case Tok::kString:
        ++pos_;
        n.kind = KeepExpr::Kind::kString;
        n.text = t.text;
        return {add(std::move(n)), Type::kString};
      case Tok::kOpen: {
        ++pos_;
        const Parsed inner = parse_or();
        if (tokens_[pos_].kind != Tok::kClose)
          error(tokens_[pos_].column, fmt::format("expected ')' but found '{}'", tokens_[pos_].text),
                fmt::format("close the '(' of column {}", t.column));
        ++pos_;
        last_was_compare_ = false;
        return inner;
      }
      case Tok::kName:
      case Tok::kQuoted:
        ++pos_;
        return name(t);
      default:
        error(t.column, fmt::format("expected a value but found '{}'", t.text),
              "a value is a number, a \"string\", a reward label, reward, tokens, finish_reason, or (...)");
    }
  }

  Parsed name(const Token& t) {
    KeepExpr::Node n;
    if (t.kind == Tok::kName) {
      if (t.text == "true" || t.text == "false") {
        n.kind = KeepExpr::Kind::kBool;
        n.number = t.text == "true" ? 1 : 0;
        return {add(std::move(n)), Type::kCondition};
      }
      if (t.text == "reward" || t.text == "tokens") {
        n.kind = t.text == "reward" ? KeepExpr::Kind::kReward : KeepExpr::Kind::kTokens;
        return {add(std::move(n)), Type::kNumber};
      }
      if (t.text == "finish_reason") {
        n.kind = KeepExpr::Kind::kFinishReason;
        return {add(std::move(n)), Type::kString};
      }
    }
    for (size_t i = 0; i < labels_.size(); ++i) {
      if (labels_[i] != t.text) continue;
      n.kind = KeepExpr::Kind::kLabel;
      n.text = t.text;
      n.label = i;
      return {add(std::move(n)), Type::kNumber};
    }
    error(t.column, fmt::format("unknown name '{}'. Valid names: {}", t.text, valid_names()),
          "use a reward label from the rewards config (its `label:`, else its `name:`)");
  }

  std::string_view text_;
  std::span<const std::string> labels_;
  const std::string& where_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  bool last_was_compare_ = false;
  KeepExpr out_;
};

KeepExpr KeepExpr::parse(std::string_view text, std::span<const std::string> labels, const std::string& where) {
  return KeepParser(text, labels, where).run();
}

namespace {

struct Value {
  double number = 0;
  std::string_view text;
};

Value value_of(const std::vector<KeepExpr::Node>& nodes, int i, const KeepSample& s);

bool truth(const std::vector<KeepExpr::Node>& nodes, int i, const KeepSample& s) {
  const auto& n = nodes[static_cast<size_t>(i)];
  switch (n.kind) {
    case KeepExpr::Kind::kOr: return truth(nodes, n.lhs, s) || truth(nodes, n.rhs, s);
    case KeepExpr::Kind::kAnd: return truth(nodes, n.lhs, s) && truth(nodes, n.rhs, s);
    case KeepExpr::Kind::kNot: return !truth(nodes, n.lhs, s);
    case KeepExpr::Kind::kBool: return n.number != 0;
    case KeepExpr::Kind::kCompare: break;
    default: fail("keep expression: node {} is not a condition (internal)", i);
  }
  const Value a = value_of(nodes, n.lhs, s), b = value_of(nodes, n.rhs, s);
  const bool strings = nodes[static_cast<size_t>(n.lhs)].kind == KeepExpr::Kind::kString ||
                       nodes[static_cast<size_t>(n.lhs)].kind == KeepExpr::Kind::kFinishReason;
  if (strings) return (a.text == b.text) == (n.op == KeepExpr::Op::kEq);
  switch (n.op) {
    case KeepExpr::Op::kEq: return a.number == b.number;
    case KeepExpr::Op::kNe: return a.number != b.number;
    case KeepExpr::Op::kLt: return a.number < b.number;
    case KeepExpr::Op::kLe: return a.number <= b.number;
    case KeepExpr::Op::kGt: return a.number > b.number;
    case KeepExpr::Op::kGe: return a.number >= b.number;
  }
  return false;
}

Value value_of(const std::vector<KeepExpr::Node>& nodes, int i, const KeepSample& s) {
  const auto& n = nodes[static_cast<size_t>(i)];
  switch (n.kind) {
    case KeepExpr::Kind::kNumber: return {n.number, {}};
    case KeepExpr::Kind::kString: return {0, n.text};
    case KeepExpr::Kind::kReward: return {s.reward, {}};
    case KeepExpr::Kind::kTokens: return {static_cast<double>(s.tokens), {}};
    case KeepExpr::Kind::kFinishReason: return {0, s.finish_reason};
    case KeepExpr::Kind::kLabel:
      if (n.label >= s.scores.size())
        fail("keep expression: label '{}' has no score ({} scores given)", n.text, s.scores.size());
      return {s.scores[n.label], {}};
    default: return {truth(nodes, i, s) ? 1.0 : 0.0, {}};  // condition == condition
  }
}

std::string render(const std::vector<KeepExpr::Node>& nodes, int i) {
  const auto& n = nodes[static_cast<size_t>(i)];
  switch (n.kind) {
    case KeepExpr::Kind::kOr: return "(" + render(nodes, n.lhs) + " || " + render(nodes, n.rhs) + ")";
    case KeepExpr::Kind::kAnd: return "(" + render(nodes, n.lhs) + " && " + render(nodes, n.rhs) + ")";
    case KeepExpr::Kind::kNot: return "!" + render(nodes, n.lhs);
    case KeepExpr::Kind::kCompare:
      return "(" + render(nodes, n.lhs) + " " + op_text(n.op) + " " + render(nodes, n.rhs) + ")";
    case KeepExpr::Kind::kBool: return n.number != 0 ? "true" : "false";
    case KeepExpr::Kind::kNumber: return fmt::format("{}", n.number);
    case KeepExpr::Kind::kString: return "\"" + n.text + "\"";
    case KeepExpr::Kind::kLabel: return n.text;
    case KeepExpr::Kind::kReward: return "reward";
    case KeepExpr::Kind::kTokens: return "tokens";
    case KeepExpr::Kind::kFinishReason: return "finish_reason";
  }
  return "?";
}

}  // namespace

bool KeepExpr::matches(const KeepSample& sample) const { return truth(nodes_, root_, sample); }

std::string KeepExpr::str() const { return render(nodes_, root_); }

}  // namespace grpo
