// `grpo eval`: k samples per prompt of an eval set, scored by the rewards of a config; reports pass@1,
// pass@k', maj@k, format rate, mean response length and every reward's mean, as a table on stdout and
// as eval/<label>.json (docs/run_layout: what `grpo report` reads). Sampling and scoring are
// trainer/scored_rollout's, the metric math src/metrics/eval_metrics'; this file only wires them.
#include <fmt/ranges.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>

#include "src/cli/commands.h"
#include "src/cli/generation_setup.h"
#include "src/metrics/eval_metrics.h"
#include "src/util/error.h"
#include "src/util/fs.h"
#include "src/util/jsonl.h"
#include "src/util/log.h"

namespace grpo {
namespace {

struct EvalArgs {
  GenerationFlags gen;
  std::string data, rewards, output, label, samples;
  int64_t k = 8, limit = 0, step = -1;
};

// The answer a sample votes for, from its accuracy reward's details: accuracy_math's normalised
// prediction, else the extracted answer (exact_match, choice, accuracy_math), else countdown's equation.
std::string voted_answer(const Json& details) {
  for (const char* key : {"pred_normalized", "extracted", "equation"}) {
    auto it = details.find(key);
    if (it != details.end() && it->is_string()) return vote_answer(it->get<std::string>());
  }
  return "";
}

// "checkpoint-120" (the trainer's checkpoint directories) -> 120; anything else -> null.
Json step_of(const EvalArgs& a) {
  if (a.step >= 0) return a.step;
  std::string name = std::filesystem::path(a.gen.model).lexically_normal().filename().string();
  if (name.empty()) name = std::filesystem::path(a.gen.model).lexically_normal().parent_path().filename().string();
  std::smatch m;
  if (std::regex_match(name, m, std::regex("checkpoint-([0-9]+)"))) return std::stoll(m[1].str());
  return nullptr;
}

std::string default_label(const EvalArgs& a) {
  if (!a.label.empty()) return a.label;
  return a.output.empty() ? "eval" : std::filesystem::path(a.output).stem().string();
}

void print_table(const Json& r, const std::vector<std::pair<std::string, Json>>& rows) {
  std::printf("grpo eval: %s  (%lld prompts x k=%lld, temperature %g, max %lld new tokens)\n",
              r["label"].get<std::string>().c_str(), static_cast<long long>(r["num_prompts"].get<int64_t>()),
              static_cast<long long>(r["k"].get<int64_t>()), r["temperature"].get<double>(),
              static_cast<long long>(r["max_new_tokens"].get<int64_t>()));
  for (const auto& [name, value] : rows)
    std::printf("  %-28s %s\n", name.c_str(), value.is_null() ? "-" : fmt::format("{:.4f}", value.get<double>()).c_str());
  std::fflush(stdout);
}

// What the report needs from one scored rollout: every completion's verdict and voted answer.
struct Scored {
  const ScoredRollout& s;
  size_t accuracy;
  std::optional<size_t> format;
  std::vector<std::vector<SampleOutcome>> outcomes;  // [prompt][sample]
  std::vector<std::string> answers;                  // per completion
};

Scored collect(const ScoredRollout& s, size_t num_prompts, size_t accuracy, std::optional<size_t> format) {
  Scored out{s, accuracy, format, std::vector<std::vector<SampleOutcome>>(num_prompts), {}};
  const auto& completions = s.rollout.completions;
  for (size_t i = 0; i < completions.size(); ++i) {
    out.answers.push_back(voted_answer(s.rewards.details[accuracy][i]));
    out.outcomes[static_cast<size_t>(completions[i].prompt_index)].push_back(
        {is_correct(s.rewards.scores[accuracy][i]), out.answers.back()});
  }
  return out;
}

// A float flag as the user wrote it (0.6, not 0.6000000238418579): fmt prints the shortest round trip.
double shortest(float x) { return std::stod(fmt::format("{}", x)); }

// The eval/<label>.json object (docs/run_layout) and the rows of the printed table.
Json report(const EvalArgs& a, const RewardSet& set, const SamplingParams& params, const Scored& sc,
            std::vector<std::pair<std::string, Json>>& table) {
  const EvalSummary summary = summarize_eval(sc.outcomes);
  const auto& completions = sc.s.rollout.completions;
  const RewardBatch& rb = sc.s.rewards;
  const auto N = static_cast<double>(completions.size());
  double tokens = 0, clipped = 0, total = 0;
  for (size_t i = 0; i < completions.size(); ++i) {
    tokens += static_cast<double>(completions[i].token_ids.size());
    clipped += completions[i].finish_reason == FinishReason::kLength ? 1 : 0;
    total += rb.total[i];
  }
  Json r = {{"label", default_label(a)}, {"model", a.gen.model}, {"data", a.data}, {"k", a.k},
            {"temperature", params.is_greedy() ? 0.0 : shortest(params.temperature)},
            {"top_p", shortest(params.top_p)}, {"seed", params.seed}, {"max_new_tokens", params.max_new_tokens},
            {"num_prompts", summary.num_prompts}, {"num_samples", completions.size()},
            {"pass@1", summary.pass_at_1}, {"maj@k", summary.maj_at_k},
            {"format_rate", sc.format ? Json(rb.mean[*sc.format]) : Json(nullptr)},
            {"mean_response_tokens", tokens / N}, {"clipped_ratio", clipped / N}, {"reward", total / N},
            {"accuracy_reward", set.labels()[sc.accuracy]}, {"step", step_of(a)}, {"rewards", Json::object()},
            {"tokens_per_s", sc.s.rollout.stats.tokens_per_s()}};
  for (const auto& [k, v] : summary.pass_at) {
    r[fmt::format("pass@{}", k)] = v;
    table.emplace_back(fmt::format("pass@{}", k), v);
  }
  table.emplace_back(fmt::format("maj@{}", a.k), r["maj@k"]);
  for (const char* key : {"format_rate", "mean_response_tokens", "clipped_ratio", "reward"}) table.emplace_back(key, r[key]);
  for (size_t f = 0; f < set.labels().size(); ++f) {
    r["rewards"][set.labels()[f]] = rb.mean[f];
    table.emplace_back("rewards/" + set.labels()[f], rb.mean[f]);
  }
  return r;
}

// Every scored completion, in the shape of a run's samples.jsonl plus the verdict and the vote.
void write_samples(const std::string& path, const Json& step, const RewardSet& set, const PromptBatch& prompts,
                   const Scored& sc) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!out) fail("{}: cannot create. HINT: check the --samples path", path);
  const auto& completions = sc.s.rollout.completions;
  const RewardBatch& rb = sc.s.rewards;
  for (size_t i = 0; i < completions.size(); ++i) {
    const auto& c = completions[i];
    Json line = {{"step", step}, {"prompt_index", c.prompt_index}, {"sample_index", c.sample_index},
                 {"prompt", prompts.texts[static_cast<size_t>(c.prompt_index)]}, {"completion", c.text},
                 {"rewards", Json::object()}, {"reward", rb.total[i]}, {"completion_tokens", c.token_ids.size()},
                 {"finish_reason", std::string(finish_reason_name(c.finish_reason))},
                 {"correct", is_correct(rb.scores[sc.accuracy][i])}, {"answer", sc.answers[i]}};
    for (size_t f = 0; f < set.labels().size(); ++f) line["rewards"][set.labels()[f]] = rb.scores[f][i];
    write_jsonl_line(out.get(), line);
  }
  if (std::fclose(out.release()) != 0) fail("{}: write failed (disk full?)", path);
}

int run_eval(const EvalArgs& a) {
  if (a.k < 1) fail("--k: must be >= 1, got {}", a.k);
  const auto rewards = load_reward_functions(a.rewards);
  const RewardSet& set = *rewards->set;
  const auto accuracy = set.find_role(RewardRole::kAccuracy);
  if (!accuracy)
    fail("{}: no accuracy reward among the functions ({}). HINT: add one of accuracy_math, countdown, exact_match or "
         "choice: pass@1 and maj@k count a sample as correct when its score is >= 1",
         a.rewards, fmt::join(set.labels(), ", "));
  const auto prompts_in = load_prompt_rows(a.data, a.limit);

  Generator generator(a.gen, "eval");
  if (generator.params().is_greedy() && a.k > 1)
    log_warn("eval: greedy decoding gives {} identical samples per prompt. HINT: use --k 1 with --temperature 0", a.k);
  const PromptBatch prompts = render_prompts(prompts_in->rows, generator.prompt_template(), generator.tokenizer());
  const ScoredRollout scored = generator.sample_and_score(set, prompts, a.k);
  const Scored sc = collect(scored, prompts.size(), *accuracy, set.find_role(RewardRole::kFormat));

  std::vector<std::pair<std::string, Json>> table;
  const Json r = report(a, set, generator.params(), sc, table);
  if (!a.samples.empty()) write_samples(a.samples, r["step"], set, prompts, sc);
  if (!a.output.empty()) {
    const auto parent = std::filesystem::path(a.output).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    write_file_atomic(a.output, r.dump(2) + "\n");
  }
  print_table(r, table);
  return 0;
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  a->gen.temperature = 0.6f;
  CLI::App* sub = app.add_subcommand("eval", "pass@1, maj@k, format rate and reward means of a model on an eval set");
  sub->add_option("--data", a->data, "eval JSONL: a \"prompt\" field plus the ground truth the rewards read")->required();
  sub->add_option("--rewards", a->rewards, "YAML with a `rewards:` section holding an accuracy reward")->required();
  sub->add_option("--k", a->k, "samples per prompt")->capture_default_str();
  sub->add_option("--output", a->output, "JSON report, e.g. RUN/eval/LABEL.json (parent directories are created)");
  sub->add_option("--label", a->label, "name of this evaluation (default: the --output file's stem, else 'eval')");
  sub->add_option("--samples", a->samples, "also write every scored completion to this JSONL");
  sub->add_option("--limit", a->limit, "evaluate the first N prompts only (0 = all)")->capture_default_str();
  sub->add_option("--step", a->step, "training step to record (default: N of a checkpoint-N model directory)");
  add_generation_flags(sub, a->gen);
  set_command_action(sub, [a] { return run_eval(*a); });
}

}  // namespace grpo
