// Countdown tasks: expressions, random tasks and the exhaustive solver (see countdown_task.h).
#include "examples/countdown/countdown_task.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <map>

#include "src/util/error.h"

namespace grpo::countdown {

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Rng::below(uint64_t n) {
  // Rejection sampling: draws past the largest multiple of n would favour small values.
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  uint64_t x;
  do x = next();
  while (x >= limit);
  return x % n;
}

double Rng::uniform() { return double(next() >> 11) * 0x1.0p-53; }

namespace {

int precedence(char op) { return op == 0 ? 3 : (op == '+' || op == '-') ? 1 : 2; }

std::string render(const Expr& e, int i) {
  const Expr::Node& n = e.nodes[size_t(i)];
  if (n.op == 0) return std::to_string(n.value);
  const int p = precedence(n.op);
  const char lop = e.nodes[size_t(n.left)].op, rop = e.nodes[size_t(n.right)].op;
  std::string l = render(e, n.left), r = render(e, n.right);
  if (precedence(lop) < p) l = "(" + l + ")";
  // a-(b+c) and a/(b*c) need them; a+(b-c) = a+b-c and a*(b/c) = a*b/c exactly, so those do not.
  if (precedence(rop) < p || (precedence(rop) == p && (n.op == '-' || n.op == '/'))) r = "(" + r + ")";
  return l + n.op + r;
}

// Combines pool entries a and b of e (node indices) with op; false when the result is not allowed.
bool combine(Expr& e, int a, int b, char op) {
  int64_t v;
  if (!apply_op(op, e.nodes[size_t(a)].value, e.nodes[size_t(b)].value, v)) return false;
  e.nodes.push_back({op, v, a, b});
  return true;
}

Expr leaves(const std::vector<int64_t>& nums) {
  Expr e;
  for (int64_t n : nums) e.nodes.push_back({0, n, -1, -1});
  return e;
}

void solve(const Expr& e, std::vector<int> pool, int64_t target, const std::string& ops,
           std::map<std::string, Expr>& found) {
  if (pool.size() == 1) {
    if (e.value() == target) found.emplace(e.text(), e);
    return;
  }
  for (size_t i = 0; i < pool.size(); ++i)
    for (size_t j = 0; j < pool.size(); ++j) {
      if (i == j) continue;
      std::vector<int> rest;
      for (size_t k = 0; k < pool.size(); ++k)
        if (k != i && k != j) rest.push_back(pool[k]);
      for (char op : ops) {
        Expr next = e;
        if (!combine(next, pool[i], pool[j], op)) continue;
        rest.push_back(int(next.nodes.size()) - 1);
        solve(next, rest, target, ops, found);
        rest.pop_back();
      }
    }
}

}  // namespace

std::string Expr::text() const { return render(*this, int(nodes.size()) - 1); }

std::vector<std::string> Expr::steps() const {
  std::vector<std::string> out;
  for (const Node& n : nodes)
    if (n.op != 0)
      out.push_back(fmt::format("{}{}{}={}", nodes[size_t(n.left)].value, n.op, nodes[size_t(n.right)].value, n.value));
  return out;
}

std::string Task::key() const {
  std::vector<int64_t> sorted = nums;
  std::sort(sorted.begin(), sorted.end());
  return fmt::format("{}:{}", fmt::join(sorted, ","), target);
}

bool apply_op(char op, int64_t a, int64_t b, int64_t& out) {
  switch (op) {
    case '+': out = a + b; break;
    case '-': out = a - b; break;
    case '*': out = a * b; break;
    case '/':
      if (b == 0 || a % b != 0) return false;
      out = a / b;
      break;
    default: return false;
  }
  return out >= 1;
}

Expr random_expr(const std::vector<int64_t>& nums, const std::string& ops, Rng& rng) {
  Expr e = leaves(nums);
  std::vector<int> pool;
  for (size_t i = 0; i < nums.size(); ++i) pool.push_back(int(i));
  while (pool.size() > 1) {
    const size_t i = rng.below(pool.size());
    size_t j = rng.below(pool.size() - 1);
    if (j >= i) ++j;
    std::string order = ops;  // try the operations in a random order; the first allowed one wins
    for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);
    bool done = false;
    for (char op : order) {
      if ((done = combine(e, pool[i], pool[j], op))) break;
    }
    // Only - and / can fail; + or * is always among ops (checked by the caller), and with the
    // operands swapped a - b or a / b may work.
    for (char op : order) {
      if (done) break;
      done = combine(e, pool[j], pool[i], op);
    }
    if (!done) fail("countdown: no operation in '{}' combines {} and {}. HINT: include + or * in --ops", ops,
                          e.nodes[size_t(pool[i])].value, e.nodes[size_t(pool[j])].value);
    pool.erase(pool.begin() + long(std::max(i, j)));
    pool.erase(pool.begin() + long(std::min(i, j)));
    pool.push_back(int(e.nodes.size()) - 1);
  }
  return e;
}

Task random_task(const TaskOptions& opts, Rng& rng) {
  const uint64_t span = uint64_t(opts.max_number - opts.min_number + 1);
  for (int attempt = 0; attempt < 100000; ++attempt) {
    Task t;
    for (int i = 0; i < opts.numbers; ++i) t.nums.push_back(opts.min_number + int64_t(rng.below(span)));
    t.solution = random_expr(t.nums, opts.ops, rng);
    t.target = t.solution.value();
    if (t.target <= opts.max_target) return t;
  }
  fail("countdown: no random expression over {} numbers in [{}, {}] reached a target <= {}. "
             "HINT: raise --max-target or lower --max-number",
             opts.numbers, opts.min_number, opts.max_number, opts.max_target);
}

std::vector<Expr> all_solutions(const std::vector<int64_t>& nums, int64_t target, const std::string& ops) {
  std::map<std::string, Expr> found;
  std::vector<int> pool;
  for (size_t i = 0; i < nums.size(); ++i) pool.push_back(int(i));
  solve(leaves(nums), pool, target, ops, found);
  std::vector<Expr> out;
  for (auto& [text, e] : found) out.push_back(std::move(e));
  return out;
}

std::string prompt_text(const Task& task) {
  return fmt::format("Using the numbers [{}], create an equation that equals {}", fmt::join(task.nums, ", "),
                     task.target);
}

}  // namespace grpo::countdown
