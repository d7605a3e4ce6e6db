// gen_countdown: writes the data of the toy R1-Zero example into one directory: disjoint task
// splits (train.jsonl, eval.jsonl), a pre-training corpus over train tasks only (corpus.jsonl), a
// small BPE tokenizer trained on that corpus (tokenizer.json, tokenizer_config.json), and
// stats.json, measured with grpo's own Tokenizer and countdown/format rewards. Same seed and
// flags, same bytes. Usage: gen_countdown --out DIR [--seed N] [...]; see docs/countdown.md.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "examples/countdown/bpe_trainer.h"
#include "examples/countdown/countdown_corpus.h"
#include "examples/countdown/countdown_stats.h"
#include "examples/countdown/countdown_task.h"
#include "src/util/error.h"

namespace grpo::countdown {
namespace {

// eos first: it gets id 0 whatever --vocab-size is, so model_config.json can name it.
const std::vector<AddedTokenSpec> kAddedTokens = {
    {"<|endoftext|>", true}, {"<think>", false}, {"</think>", false}, {"<answer>", false}, {"</answer>", false}};

struct GenOptions {
  std::string out;
  uint64_t seed = 1;
  TaskOptions task;
  CorpusOptions corpus;
  int64_t train = 1500, eval = 200, corpus_rows = 20000;
  size_t vocab_size = 512;
};

void validate(const GenOptions& o) {
  const auto frac = [](double v, const char* flag) {
    if (!(v >= 0.0 && v <= 1.0)) fail("gen_countdown: {} = {} is not a fraction. HINT: give a value in [0, 1]", flag, v);
  };
  frac(o.corpus.correct_frac, "--correct-frac");
  frac(o.corpus.tagged_frac, "--tagged-frac");
  frac(o.corpus.reflect_frac, "--reflect-frac");
  frac(o.corpus.slip_frac, "--slip-frac");
  if (o.task.numbers < 2 || o.task.numbers > 4)
    fail("gen_countdown: --numbers {} is out of range. HINT: give 2, 3 or 4", o.task.numbers);
  if (o.task.min_number < 1 || o.task.max_number < o.task.min_number)
    fail("gen_countdown: numbers range [{}, {}] is empty or not positive. HINT: 1 <= --min-number <= --max-number",
         o.task.min_number, o.task.max_number);
  if (o.task.max_target < 1) fail("gen_countdown: --max-target {} < 1. HINT: targets are positive", o.task.max_target);
  std::string seen;
  for (char c : o.task.ops) {
    if (std::string("+-*/").find(c) == std::string::npos || seen.find(c) != std::string::npos)
      fail("gen_countdown: --ops '{}': '{}' is not allowed or repeated. HINT: a subset of +-*/, e.g. +-*", o.task.ops, c);
    seen += c;
  }
  if (seen.find_first_of("+*") == std::string::npos)
    fail("gen_countdown: --ops '{}' has neither + nor *. HINT: add + or * (they always give a positive integer)", o.task.ops);
  if (o.train < 1 || o.eval < 1 || o.corpus_rows < 1)
    fail("gen_countdown: --train, --eval and --corpus must be >= 1 (got {}, {}, {}). HINT: give positive counts", o.train, o.eval, o.corpus_rows);
  if (o.corpus.max_attempts < 1) fail("gen_countdown: --max-attempts {} < 1. HINT: give 1 or more", o.corpus.max_attempts);
}

// Distinct tasks (by Task::key) in draw order; the first `eval` are the eval split, the rest train.
std::vector<Task> distinct_tasks(const GenOptions& o, Rng& rng) {
  const size_t want = size_t(o.train + o.eval);
  std::vector<Task> tasks;
  std::map<std::string, bool> seen;
  for (size_t draws = 0; tasks.size() < want && draws < 200 * want + 10000; ++draws) {
    Task t = random_task(o.task, rng);
    if (seen.emplace(t.key(), true).second) tasks.push_back(std::move(t));
  }
  if (tasks.size() < want)
    fail("gen_countdown: found only {} distinct tasks, {} wanted (--train {} + --eval {}). HINT: lower --train/--eval, "
         "or widen the task space (--numbers, --max-number, --max-target, --ops)",
         tasks.size(), want, o.train, o.eval);
  return tasks;
}

nlohmann::ordered_json task_row(const Task& t) {
  return {{"prompt", prompt_text(t)}, {"nums", t.nums}, {"target", t.target}, {"solution", t.solution.text()}};
}

std::ofstream open_out(const std::filesystem::path& p) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  if (!f) fail("gen_countdown: cannot write {}. HINT: check that --out is a writable directory", p.string());
  return f;
}

void write_rows(const std::filesystem::path& p, const std::vector<nlohmann::ordered_json>& rows) {
  std::ofstream f = open_out(p);
  for (const auto& r : rows) f << r.dump() << '\n';
}

int run(const GenOptions& o) {
  validate(o);
  namespace fs = std::filesystem;
  const fs::path dir(o.out);
  fs::create_directories(dir);

  // Separate streams: changing a corpus knob leaves the task splits unchanged.
  Rng task_rng(o.seed), corpus_rng(o.seed ^ 0xC0A7D0E5C0A7D0E5ull);
  const std::vector<Task> tasks = distinct_tasks(o, task_rng);
  const std::vector<Task> eval(tasks.begin(), tasks.begin() + o.eval), train(tasks.begin() + o.eval, tasks.end());

  std::vector<nlohmann::ordered_json> rows;
  for (const Task& t : train) rows.push_back(task_row(t));
  write_rows(dir / "train.jsonl", rows);
  rows.clear();
  for (const Task& t : eval) rows.push_back(task_row(t));
  write_rows(dir / "eval.jsonl", rows);

  std::vector<std::vector<Expr>> solutions;
  for (const Task& t : train) solutions.push_back(all_solutions(t.nums, t.target, o.task.ops));
  std::vector<CorpusText> corpus;
  rows.clear();
  for (int64_t i = 0; i < o.corpus_rows; ++i) {
    const size_t k = corpus_rng.below(train.size());
    corpus.push_back(corpus_text(train[k], solutions[k], o.task.ops, o.corpus, corpus_rng));
    rows.push_back({{"text", corpus.back().text}});
  }
  write_rows(dir / "corpus.jsonl", rows);

  std::vector<std::string> texts;
  for (const auto& c : corpus) texts.push_back(c.text);
  const TrainedBpe bpe = train_bpe(texts, kAddedTokens, o.vocab_size);
  open_out(dir / "tokenizer.json") << tokenizer_json(bpe).dump(2) << '\n';
  open_out(dir / "tokenizer_config.json") << tokenizer_config_json(bpe, o.corpus.eos, 512).dump(2) << '\n';

  const nlohmann::ordered_json stats = measure(dir, train, eval, corpus);
  open_out(dir / "stats.json") << stats.dump(2) << '\n';
  std::printf("%s\n", stats.dump(2).c_str());
  return 0;
}

}  // namespace
}  // namespace grpo::countdown

int main(int argc, char** argv) {
  using grpo::countdown::GenOptions;
  GenOptions o;
  CLI::App app{"gen_countdown: Countdown tasks, a pre-training corpus and a tokenizer for the toy R1-Zero example"};
  app.add_option("--out", o.out, "output directory (created; files in it are replaced)")->required();
  app.add_option("--seed", o.seed, "random seed: same seed and flags, same files")->capture_default_str();
  app.add_option("--numbers", o.task.numbers, "numbers per task (2-4)")->capture_default_str();
  app.add_option("--min-number", o.task.min_number, "smallest number")->capture_default_str();
  app.add_option("--max-number", o.task.max_number, "largest number")->capture_default_str();
  app.add_option("--max-target", o.task.max_target, "largest target")->capture_default_str();
  app.add_option("--ops", o.task.ops, "operations used by solutions and attempts (subset of +-*/)")->capture_default_str();
  app.add_option("--train", o.train, "train tasks")->capture_default_str();
  app.add_option("--eval", o.eval, "eval tasks (disjoint from train)")->capture_default_str();
  app.add_option("--corpus", o.corpus_rows, "corpus texts (over train tasks only)")->capture_default_str();
  app.add_option("--correct-frac", o.corpus.correct_frac, "corpus texts whose answer is right")->capture_default_str();
  app.add_option("--tagged-frac", o.corpus.tagged_frac, "corpus texts in the full think/answer form")->capture_default_str();
  app.add_option("--reflect-frac", o.corpus.reflect_frac, "corpus texts with a 'wait, check:' line")->capture_default_str();
  app.add_option("--slip-frac", o.corpus.slip_frac, "wrong texts that claim the target after an arithmetic slip")
      ->capture_default_str();
  app.add_option("--max-attempts", o.corpus.max_attempts, "most tries before the final one")->capture_default_str();
  app.add_option("--vocab-size", o.vocab_size, "tokenizer size: added tokens + 256 bytes + merges")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return grpo::countdown::run(o);
  } catch (const grpo::Error& e) {
    std::fprintf(stderr, "gen_countdown: error: %s\n", e.what());
    return 1;
  }
}
