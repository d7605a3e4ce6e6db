// `grpo sample`: rejection sampling. K completions per prompt, scored by the rewards of a config; those
// a --keep expression accepts, deduplicated and capped per prompt, are written as SFT JSONL (the
// dataset row + completion + rewards). With a teacher checkpoint as --model this is distillation data.
// Sampling/scoring: trainer/scored_rollout; the keep language: rewards/keep_expr; selection:
// trainer/rejection_sampling. This file wires them and writes the output.
#include <cstdio>
#include <memory>

#include "src/cli/commands.h"
#include "src/cli/generation_setup.h"
#include "src/util/error.h"
#include "src/util/jsonl.h"
#include "trainer/rejection_sampling.h"

namespace grpo {
namespace {

struct SampleArgs {
  GenerationFlags gen;
  std::string data, rewards, keep = "true", output = "-";
  int64_t n = 8, max_per_prompt = 0, limit = 0;
};

// One SFT line: every field of the dataset row (ground truth survives; `prompt` stays the row's
// untemplated prompt, for the SFT stage applies the same template), plus the completion exactly as
// generated after the template, and its scores.
Json sft_line(const Json& row, const Completion& c, const RewardSet& set, const RewardBatch& r, size_t i) {
  Json line = row;
  line["completion"] = c.text;
  line["rewards"] = Json::object();
  for (size_t f = 0; f < set.labels().size(); ++f) line["rewards"][set.labels()[f]] = r.scores[f][i];
  line["reward"] = r.total[i];
  line["completion_tokens"] = c.token_ids.size();
  line["finish_reason"] = std::string(finish_reason_name(c.finish_reason));
  return line;
}

void print_counts(std::FILE* to, const SampleArgs& a, const SelectionStats& s, int64_t num_prompts) {
  auto pct = [&](int64_t x) { return s.generated > 0 ? 100.0 * static_cast<double>(x) / static_cast<double>(s.generated) : 0.0; };
  std::fprintf(to, "grpo sample: %lld prompts x %lld = %lld generated\n", static_cast<long long>(num_prompts),
               static_cast<long long>(a.n), static_cast<long long>(s.generated));
  std::fprintf(to, "  passed --keep          %6lld  (%.1f%%)  %s\n", static_cast<long long>(s.passed), pct(s.passed),
               a.keep.c_str());
  std::fprintf(to, "  duplicates dropped     %6lld\n", static_cast<long long>(s.duplicates));
  std::fprintf(to, "  capped                 %6lld  (--max-per-prompt %lld)\n", static_cast<long long>(s.capped),
               static_cast<long long>(a.max_per_prompt));
  std::fprintf(to, "  written                %6lld  (%.1f%%)  -> %s\n", static_cast<long long>(s.kept), pct(s.kept),
               a.output == "-" ? "stdout" : a.output.c_str());
  std::fprintf(to, "  prompts with 0 kept    %6lld\n", static_cast<long long>(s.prompts_without_kept));
  std::fflush(to);
}

int run_sample(const SampleArgs& a) {
  if (a.n < 1) fail("--n: must be >= 1, got {}", a.n);
  if (a.max_per_prompt < 0) fail("--max-per-prompt: must be >= 0 (0 = no cap), got {}", a.max_per_prompt);
  const auto rewards = load_reward_functions(a.rewards);
  const RewardSet& set = *rewards->set;
  const KeepExpr keep = KeepExpr::parse(a.keep, set.labels());
  const auto prompts_in = load_prompt_rows(a.data, a.limit);

  Generator generator(a.gen, "sample");
  const PromptBatch prompts = render_prompts(prompts_in->rows, generator.prompt_template(), generator.tokenizer());
  const ScoredRollout scored = generator.sample_and_score(set, prompts, a.n);
  const Selection selection =
      select_candidates(keep_candidates(scored, keep), static_cast<int64_t>(prompts.size()), a.max_per_prompt);

  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (a.output != "-") {
    file.reset(std::fopen(a.output.c_str(), "w"));
    if (!file) fail("{}: cannot create. HINT: check the --output path", a.output);
    out = file.get();
  }
  const auto& completions = scored.rollout.completions;
  for (const size_t i : selection.kept) {
    const Completion& c = completions[i];
    write_jsonl_line(out, sft_line(*prompts.rows[static_cast<size_t>(c.prompt_index)], c, set, scored.rewards, i));
  }
  if (file && std::fclose(file.release()) != 0) fail("{}: write failed (disk full?)", a.output);
  print_counts(a.output == "-" ? stderr : stdout, a, selection.stats, static_cast<int64_t>(prompts.size()));
  return 0;
}

}  // namespace

void add_sample_command(CLI::App& app) {
  auto a = std::make_shared<SampleArgs>();
  CLI::App* sub = app.add_subcommand(
      "sample", "Rejection sampling / distillation: keep the scored completions a --keep expression accepts, as SFT JSONL");
  sub->add_option("--data", a->data, "prompt JSONL: a \"prompt\" field plus the ground truth the rewards read")->required();
  sub->add_option("--rewards", a->rewards, "YAML with a `rewards:` section")->required();
  sub->add_option("--n", a->n, "completions per prompt (K)")->capture_default_str();
  sub->add_option("--keep", a->keep,
                  "condition over reward labels, reward, tokens, finish_reason, e.g. "
                  "'accuracy_math == 1 && format >= 1' (docs/evalsample.md)")
      ->capture_default_str();
  sub->add_option("--max-per-prompt", a->max_per_prompt, "keep at most M per prompt, best total reward first (0 = all)")
      ->capture_default_str();
  sub->add_option("--output", a->output, "SFT JSONL (one line per kept completion; - = stdout)")->capture_default_str();
  sub->add_option("--limit", a->limit, "use the first N prompts only (0 = all)")->capture_default_str();
  add_generation_flags(sub, a->gen);
  set_command_action(sub, [a] { return run_sample(*a); });
}

}  // namespace grpo
