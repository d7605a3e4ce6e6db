// Countdown tasks for the toy R1-Zero example: a few small numbers, a target, and the arithmetic
// expressions over them. gen_countdown builds tasks, solutions and worked attempts from these.
// Values stay positive integers at every step (no negatives, exact division only), so that every
// line a tiny model reads or writes is short and regular. No I/O, no global state.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace grpo::countdown {

// Seeded generator with portable draws: the standard distributions are implementation-defined,
// so the files would differ between standard libraries; these are not.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();             // splitmix64
  uint64_t below(uint64_t n);  // uniform in [0, n), n > 0
  double uniform();            // uniform in [0, 1)
  bool chance(double p) { return uniform() < p; }

 private:
  uint64_t state_;
};

// An expression tree in creation order: leaves first (one per given number), then one node per
// operation; the last node is the root. Node i's children are earlier nodes.
struct Expr {
  struct Node {
    char op = 0;  // 0 for a leaf (a given number), else one of + - * /
    int64_t value = 0;
    int left = -1, right = -1;
  };
  std::vector<Node> nodes;
  int64_t value() const { return nodes.back().value; }
  // Minimal parentheses, no spaces: "(3+5)*7", "9-(2+4)".
  std::string text() const;
  // The operations in order, one "a*b=c" per step: {"3+5=8", "8*7=56"}.
  std::vector<std::string> steps() const;
};

struct TaskOptions {
  int numbers = 3;           // how many numbers a task gives
  int64_t min_number = 1;    // the numbers are drawn uniformly from [min_number, max_number]
  int64_t max_number = 9;
  int64_t max_target = 99;   // targets lie in [1, max_target]
  std::string ops = "+-*";   // allowed operations, a subset of "+-*/"
};

struct Task {
  std::vector<int64_t> nums;  // in the order the prompt lists them
  int64_t target = 0;
  Expr solution;              // one expression that uses each number once and equals target
  std::string key() const;    // sorted numbers and target: tasks with equal keys are the same task
};

// Applies op to a and b; false when the result would not be a positive integer.
bool apply_op(char op, int64_t a, int64_t b, int64_t& out);

// A uniformly random combination: repeatedly take two values from the pool (ordered), combine
// them with a random allowed operation, until one value is left. Never fails ('+' always works).
Expr random_expr(const std::vector<int64_t>& nums, const std::string& ops, Rng& rng);

// A random task: random numbers, target = value of a random expression over them, retried until
// the target lies in [1, max_target].
Task random_task(const TaskOptions& opts, Rng& rng);

// Every expression over nums (each used once, positive integer steps) equal to target, one per
// distinct text, sorted by text. Exhaustive; fine for up to 4 numbers.
std::vector<Expr> all_solutions(const std::vector<int64_t>& nums, int64_t target, const std::string& ops);

// The question text that goes into the R1-Zero template's {prompt}; the template adds ". Assistant:".
std::string prompt_text(const Task& task);

}  // namespace grpo::countdown
