// Syntax tree of the chat-template interpreter, produced by jinja_parser.cpp and walked by
// jinja_eval.cpp. Every node keeps its template byte offset for error messages.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "src/tokenizer/jinja_value.h"

namespace grpo::jinja {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind {
    kLiteral,  // value
    kName,     // name
    kList,     // args
    kDict,     // kwargs (keys are literal strings)
    kAttr,     // args[0].name
    kItem,     // args[0][args[1]]
    kSlice,    // args[0][args[1]:args[2]:args[3]] (null entries = omitted)
    kCall,     // args[0](args[1:], kwargs)
    kFilter,   // args[0] | name(args[1:], kwargs)
    kTest,     // args[0] is [not] name(args[1:]); negated
    kUnary,    // op args[0]: "not", "-", "+"
    kBinary,   // args[0] op args[1]: and or == != < > <= >= in "not in" + - * / // % ** ~
    kTernary,  // args[1] if args[0] else args[2]
  };
  Kind kind;
  size_t pos = 0;
  Value value;
  std::string name;  // name / attribute / filter / test / operator
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  bool negated = false;
};

struct Node;
using Body = std::vector<std::unique_ptr<Node>>;

struct Node {
  enum class Kind { kText, kOutput, kIf, kFor, kSet, kBreak, kContinue, kGeneration };
  Kind kind;
  size_t pos = 0;
  std::string text;                                // kText
  ExprPtr expr;                                    // kOutput, kSet value, kFor iterable
  std::vector<std::pair<ExprPtr, Body>> branches;  // kIf: (condition, body); condition null = else
  std::vector<std::string> targets;                // kFor loop variables; kSet: name [, attribute]
  ExprPtr filter;                                  // kFor `if` clause
  Body body, else_body;                            // kFor / kGeneration
};

// Parses a template; unsupported constructs throw grpo::Error naming the construct and position.
Body parse(const std::string& tmpl);

}  // namespace grpo::jinja
