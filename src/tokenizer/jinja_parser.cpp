// Recursive-descent parser with Jinja2's precedence (jinja2/parser.py): ternary < or < and < not <
// comparison < + - < ~ < * / // % < ** < unary < postfix (. [] ()) and filters/tests (| is).
// So `not x is defined` is `not (x is defined)` and `a|length - 1` is `(a|length) - 1`.
#include <set>

#include "src/tokenizer/jinja_ast.h"
#include "src/tokenizer/jinja_lexer.h"
#include "src/util/error.h"

namespace grpo::jinja {
namespace {

using K = Token::Kind;

std::unique_ptr<Node> new_node(Node::Kind kind, size_t pos) {
  auto n = std::make_unique<Node>();
  n->kind = kind, n->pos = pos;
  return n;
}

class Parser {
 public:
  Parser(const std::string& tmpl) : tmpl_(tmpl), toks_(lex(tmpl)) {}

  Body parse_all() {
    Body body = parse_body({});
    if (peek().kind != K::kEnd) error(peek(), "unexpected '" + stmt_name() + "'");
    return body;
  }

 private:
  const Token& peek(size_t k = 0) const { return toks_[std::min(i_ + k, toks_.size() - 1)]; }
  const Token& next() { return toks_[std::min(i_++, toks_.size() - 1)]; }
  [[noreturn]] void error(const Token& t, const std::string& what) const {
    fail(
        "chat template {}: {}. HINT: the chat-template interpreter supports for/if/elif/else/set, "
        "namespace(), loop.*, filters and tests used by HF chat templates",
        where(tmpl_, t.pos), what);
  }
  bool at_op(const char* op) const { return peek().kind == K::kOp && peek().text == op; }
  bool at_name(const char* n) const { return peek().kind == K::kName && peek().text == n; }
  void expect_op(const char* op) {
    if (!at_op(op)) error(peek(), std::string("expected '") + op + "', found '" + peek().text + "'");
    next();
  }
  std::string expect_name() {
    if (peek().kind != K::kName) error(peek(), "expected a name, found '" + peek().text + "'");
    return next().text;
  }
  void expect_stmt_end() {
    if (peek().kind != K::kStmtEnd) error(peek(), "expected '%}', found '" + peek().text + "'");
    next();
  }
  std::string stmt_name() const { return peek().kind == K::kStmtBegin ? peek(1).text : peek().text; }

  // Parses nodes until a `{% name %}` with name in `stops` (left unconsumed) or the end.
  Body parse_body(const std::set<std::string>& stops) {
    Body body;
    while (peek().kind != K::kEnd) {
      const Token& t = peek();
      if (t.kind == K::kText) {
        auto n = new_node(Node::Kind::kText, t.pos);
        n->text = next().text;
        body.push_back(std::move(n));
      } else if (t.kind == K::kExprBegin) {
        next();
        auto n = new_node(Node::Kind::kOutput, t.pos);
        n->expr = parse_expr();
        if (peek().kind != K::kExprEnd) error(peek(), "expected '}}', found '" + peek().text + "'");
        next();
        body.push_back(std::move(n));
      } else {  // statement
        if (stops.count(peek(1).text)) return body;
        body.push_back(parse_stmt());
      }
    }
    return body;
  }

  std::unique_ptr<Node> parse_stmt() {
    const Token& open = next();
    const Token& kw = peek();
    if (kw.kind != K::kName) error(kw, "expected a statement keyword");
    const std::string k = next().text;
    auto n = new_node(Node::Kind::kText, open.pos);
    if (k == "if") {
      n->kind = Node::Kind::kIf;
      ExprPtr cond = parse_expr();
      expect_stmt_end();
      for (;;) {
        Body b = parse_body({"elif", "else", "endif"});
        n->branches.emplace_back(std::move(cond), std::move(b));
        if (peek().kind == K::kEnd) error(open, "'if' is never closed with '{% endif %}'");
        next();
        const std::string which = next().text;
        if (which == "endif") break;
        cond = which == "elif" ? parse_expr() : nullptr;
        expect_stmt_end();
      }
      expect_stmt_end();
    } else if (k == "for") {
      n->kind = Node::Kind::kFor;
      do n->targets.push_back(expect_name());
      while (at_op(",") && (next(), true));
      if (!at_name("in")) error(peek(), "expected 'in' in for loop");
      next();
      n->expr = parse_or();  // not a ternary: `if` here is the loop filter
      if (at_name("if")) next(), n->filter = parse_or();
      if (at_name("recursive")) error(peek(), "unsupported construct 'recursive' loop");
      expect_stmt_end();
      n->body = parse_body({"else", "endfor"});
      if (peek().kind == K::kEnd) error(open, "'for' is never closed with '{% endfor %}'");
      next();
      if (next().text == "else") {
        expect_stmt_end();
        n->else_body = parse_body({"endfor"});
        if (peek().kind == K::kEnd) error(open, "'for' is never closed with '{% endfor %}'");
        next(), next();
      }
      expect_stmt_end();
    } else if (k == "set") {
      n->kind = Node::Kind::kSet;
      n->targets.push_back(expect_name());
      if (at_op(".")) next(), n->targets.push_back(expect_name());
      if (!at_op("=")) error(peek(), "unsupported construct block 'set' (use '{% set x = ... %}')");
      next();
      n->expr = parse_expr();
      expect_stmt_end();
    } else if (k == "break" || k == "continue") {
      n->kind = k == "break" ? Node::Kind::kBreak : Node::Kind::kContinue;
      expect_stmt_end();
    } else if (k == "generation") {  // transformers' AssistantTracker: renders its body unchanged
      n->kind = Node::Kind::kGeneration;
      expect_stmt_end();
      n->body = parse_body({"endgeneration"});
      if (peek().kind == K::kEnd) error(open, "'generation' is never closed");
      next(), next();
      expect_stmt_end();
    } else {
      error(kw, "unsupported construct '" + k + "'");
    }
    return n;
  }

  ExprPtr make(Expr::Kind kind, size_t pos, std::string name = "") {
    auto e = std::make_unique<Expr>();
    e->kind = kind, e->pos = pos, e->name = std::move(name);
    return e;
  }
  ExprPtr binary(std::string op, size_t pos, ExprPtr a, ExprPtr b) {
    auto e = make(Expr::Kind::kBinary, pos, std::move(op));
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return e;
  }

  ExprPtr parse_expr() {
    ExprPtr a = parse_or();
    if (!at_name("if")) return a;
    const size_t pos = next().pos;
    auto e = make(Expr::Kind::kTernary, pos);
    e->args.push_back(parse_or());
    e->args.push_back(std::move(a));
    if (at_name("else"))
      next(), e->args.push_back(parse_expr());
    else
      e->args.push_back(make(Expr::Kind::kLiteral, pos));  // undefined
    return e;
  }
  ExprPtr parse_or() {
    ExprPtr a = parse_and();
    while (at_name("or")) {
      const size_t pos = next().pos;
      a = binary("or", pos, std::move(a), parse_and());
    }
    return a;
  }
  ExprPtr parse_and() {
    ExprPtr a = parse_not();
    while (at_name("and")) {
      const size_t pos = next().pos;
      a = binary("and", pos, std::move(a), parse_not());
    }
    return a;
  }
  ExprPtr parse_not() {
    if (!at_name("not")) return parse_compare();
    auto e = make(Expr::Kind::kUnary, next().pos, "not");
    e->args.push_back(parse_not());
    return e;
  }
  ExprPtr parse_compare() {
    ExprPtr a = parse_math1();
    for (;;) {
      const Token& t = peek();
      std::string op;
      if (t.kind == K::kOp &&
          (t.text == "==" || t.text == "!=" || t.text == "<" || t.text == ">" || t.text == "<=" || t.text == ">="))
        op = t.text;
      else if (at_name("in"))
        op = "in";
      else if (at_name("not") && peek(1).kind == K::kName && peek(1).text == "in")
        op = "not in", next();
      else
        return a;
      next();
      a = binary(op, t.pos, std::move(a), parse_math1());
    }
  }
  ExprPtr parse_math1() {
    ExprPtr a = parse_concat();
    while (at_op("+") || at_op("-")) {
      const Token& t = next();
      a = binary(t.text, t.pos, std::move(a), parse_concat());
    }
    return a;
  }
  ExprPtr parse_concat() {
    ExprPtr a = parse_math2();
    while (at_op("~")) {
      const Token& t = next();
      a = binary("~", t.pos, std::move(a), parse_math2());
    }
    return a;
  }
  ExprPtr parse_math2() {
    ExprPtr a = parse_pow();
    while (at_op("*") || at_op("/") || at_op("//") || at_op("%")) {
      const Token& t = next();
      a = binary(t.text, t.pos, std::move(a), parse_pow());
    }
    return a;
  }
  ExprPtr parse_pow() {
    ExprPtr a = parse_unary();
    while (at_op("**")) {
      const Token& t = next();
      a = binary("**", t.pos, std::move(a), parse_unary());
    }
    return a;
  }
  ExprPtr parse_unary() {
    if (at_op("-") || at_op("+")) {
      const Token& t = next();
      auto e = make(Expr::Kind::kUnary, t.pos, t.text);
      e->args.push_back(parse_unary());
      return e;
    }
    return parse_filters(parse_postfix(parse_primary()));
  }
  // Call arguments after '(' up to ')': positional then keyword (name=value).
  void parse_args(Expr& e) {
    while (!at_op(")")) {
      if (peek().kind == K::kName && peek(1).kind == K::kOp && peek(1).text == "=") {
        std::string key = next().text;
        next();
        e.kwargs.emplace_back(std::move(key), parse_expr());
      } else {
        e.args.push_back(parse_expr());
      }
      if (!at_op(")")) expect_op(",");
    }
    next();
  }
  ExprPtr parse_postfix(ExprPtr a);
  ExprPtr parse_filters(ExprPtr a);
  ExprPtr parse_primary();

  const std::string& tmpl_;
  std::vector<Token> toks_;
  size_t i_ = 0;
};

ExprPtr Parser::parse_postfix(ExprPtr a) {
  for (;;) {
    const Token& t = peek();
    if (at_op(".")) {
      next();
      auto e = make(Expr::Kind::kAttr, t.pos, expect_name());
      e->args.push_back(std::move(a));
      a = std::move(e);
    } else if (at_op("[")) {
      next();
      std::vector<ExprPtr> parts(1);
      if (!at_op(":")) parts[0] = parse_expr();
      bool slice = false;
      while (at_op(":")) {
        next(), slice = true;
        parts.emplace_back(at_op(":") || at_op("]") ? nullptr : parse_expr());
      }
      expect_op("]");
      auto e = make(slice ? Expr::Kind::kSlice : Expr::Kind::kItem, t.pos);
      e->args.push_back(std::move(a));
      for (auto& p : parts) e->args.push_back(std::move(p));
      if (slice) e->args.resize(4);
      a = std::move(e);
    } else if (at_op("(")) {
      next();
      auto e = make(Expr::Kind::kCall, t.pos);
      e->args.push_back(std::move(a));
      parse_args(*e);
      a = std::move(e);
    } else {
      return a;
    }
  }
}

ExprPtr Parser::parse_filters(ExprPtr a) {
  for (;;) {
    const Token& t = peek();
    if (at_op("|")) {
      next();
      auto e = make(Expr::Kind::kFilter, t.pos, expect_name());
      e->args.push_back(std::move(a));
      if (at_op("(")) next(), parse_args(*e);
      a = std::move(e);
    } else if (at_name("is")) {
      next();
      auto e = make(Expr::Kind::kTest, t.pos);
      if (at_name("not")) next(), e->negated = true;
      e->name = next().text;  // test names include keywords: none, true, false, defined
      e->args.push_back(std::move(a));
      if (at_op("(")) {
        next();
        parse_args(*e);
      } else if (peek().kind == K::kString || peek().kind == K::kInt || peek().kind == K::kFloat) {
        e->args.push_back(parse_primary());  // `is divisibleby 3`, `is eq "x"`
      }
      a = std::move(e);
    } else {
      return a;
    }
  }
}

ExprPtr Parser::parse_primary() {
  const Token& t = next();
  switch (t.kind) {
    case K::kString: {
      auto e = make(Expr::Kind::kLiteral, t.pos);
      std::string s = t.text;
      while (peek().kind == K::kString) s += next().text;  // adjacent literals concatenate
      e->value = Value::string(s);
      return e;
    }
    case K::kInt: {
      auto e = make(Expr::Kind::kLiteral, t.pos);
      e->value = Value::integer(std::stoll(t.text));
      return e;
    }
    case K::kFloat: {
      auto e = make(Expr::Kind::kLiteral, t.pos);
      e->value = Value::number(std::stod(t.text));
      return e;
    }
    case K::kName: {
      auto e = make(Expr::Kind::kLiteral, t.pos);
      if (t.text == "true" || t.text == "True")
        e->value = Value::boolean(true);
      else if (t.text == "false" || t.text == "False")
        e->value = Value::boolean(false);
      else if (t.text == "none" || t.text == "None")
        e->value = Value::none();
      else
        e = make(Expr::Kind::kName, t.pos, t.text);
      return e;
    }
    case K::kOp:
      if (t.text == "(") {
        ExprPtr inner = parse_expr();
        if (at_op(",")) error(t, "unsupported construct 'tuple literal'");
        expect_op(")");
        return inner;
      }
      if (t.text == "[") {
        auto e = make(Expr::Kind::kList, t.pos);
        while (!at_op("]")) {
          e->args.push_back(parse_expr());
          if (!at_op("]")) expect_op(",");
        }
        next();
        return e;
      }
      if (t.text == "{") {
        auto e = make(Expr::Kind::kDict, t.pos);
        while (!at_op("}")) {
          if (peek().kind != K::kString) error(peek(), "unsupported construct 'non-string dict key'");
          std::string key = next().text;
          expect_op(":");
          e->kwargs.emplace_back(std::move(key), parse_expr());
          if (!at_op("}")) expect_op(",");
        }
        next();
        return e;
      }
      break;
    default:
      break;
  }
  error(t, "unexpected '" + t.text + "' in expression");
}

}  // namespace

Body parse(const std::string& tmpl) { return Parser(tmpl).parse_all(); }

}  // namespace grpo::jinja
