// Readable one-line forms of parsed answers ("interval(1, 2]", "set{1, 2}", "x = 5") for the
// reward's details and for test messages. Pure; used by rewards/accuracy_math.cpp and the tests.
#include <fmt/format.h>

#include "rewards/math/answer.h"

namespace grpo::math {
namespace {

void describe_into(const MathAnswer& a, std::string& out);

void describe_items(const std::vector<MathAnswer>& items, std::string& out) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    describe_into(items[i], out);
  }
}

void describe_into(const MathAnswer& a, std::string& out) {
  switch (a.kind) {
    case AnswerKind::kScalar: {
      if (a.expr.kind == NodeKind::kText) {
        out += "text:" + a.expr.name;
        break;
      }
      auto v = evaluate(a.expr);
      if (v && v->exact) out += v->q.str();
      else if (v) out += fmt::format("{:.10g}", v->d);
      else if (std::string l = letters_of(a.expr); !l.empty()) out += l;
      else out += "expr";
      break;
    }
    case AnswerKind::kInterval:
      out += a.left_open ? "interval(" : "interval[";
      describe_items(a.items, out);
      out += a.right_open ? ")" : "]";
      break;
    case AnswerKind::kUnion:
      out += "union{";
      describe_items(a.items, out);
      out += "}";
      break;
    case AnswerKind::kTuple:
      out += "tuple(";
      describe_items(a.items, out);
      out += ")";
      break;
    case AnswerKind::kSet:
      out += a.bare_list ? "list{" : "set{";
      describe_items(a.items, out);
      out += "}";
      break;
    case AnswerKind::kRelation:
      describe_into(a.items[0], out);
      out += " = ";
      describe_into(a.items[1], out);
      break;
    case AnswerKind::kInequality:
      for (size_t i = 0; i < a.items.size(); ++i) {
        if (i > 0) out += " " + a.ops[i - 1] + " ";
        describe_into(a.items[i], out);
      }
      break;
    case AnswerKind::kMatrix:
      out += "matrix[";
      describe_items(a.items, out);
      out += "]";
      break;
  }
}

}  // namespace

std::string describe(const MathAnswer& answer) {
  std::string out;
  describe_into(answer, out);
  return out;
}

}  // namespace grpo::math
