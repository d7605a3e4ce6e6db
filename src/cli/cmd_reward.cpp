// `grpo reward --config rewards.yaml --input samples.jsonl`: scores JSONL offline with the
// `rewards:` section of a config (for writing and debugging rules). One output line per input:
// {"line", "total", "scores": {label: score}, "details": {label: {...}}}; means and error counts
// per function go to stderr. `grpo reward --list` prints the registered reward names.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "rewards/builtin.h"
#include "rewards/reward_set.h"
#include "src/cli/commands.h"
#include "src/util/error.h"
#include "src/util/jsonl.h"

namespace grpo {
namespace {

struct RewardArgs {
  std::string config, input, output = "-";
  std::vector<std::string> overrides;
  bool list = false;
  size_t batch = 256;
};

// One input line -> the strings a RewardInput views. Missing optional fields take defaults;
// wrong types fail with file:line:field.
struct Sample {
  std::string prompt, completion, finish_reason = "stop";
  int64_t tokens = -1;
  Json row;
  int line = 0;
};

Sample parse_sample(const JsonlRow& r) {
  Sample s;
  s.line = r.line;
  auto text = [&](const char* field, std::string& out, bool required) {
    auto it = r.value.find(field);
    if (it == r.value.end()) {
      if (required) fail("{}: missing field '{}'. HINT: each line needs at least {{\"completion\": \"...\"}}", r.where(), field);
      return;
    }
    if (!it->is_string()) fail("{}: field '{}': expected a string, got {}", r.where(), field, it->type_name());
    out = it->get<std::string>();
  };
  text("prompt", s.prompt, false);
  text("completion", s.completion, true);
  text("finish_reason", s.finish_reason, false);
  if (auto it = r.value.find("completion_tokens"); it != r.value.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0)
      fail("{}: field 'completion_tokens': expected a non-negative integer, got {}", r.where(), it->dump());
    s.tokens = it->get<int64_t>();
  }
  // The dataset row: "row" when given, else the line itself (so "target", "nums"... may sit at top level).
  if (auto it = r.value.find("row"); it != r.value.end()) {
    if (!it->is_object()) fail("{}: field 'row': expected an object, got {}", r.where(), it->type_name());
    s.row = *it;
  } else {
    s.row = r.value;
  }
  return s;
}

int run_reward(const RewardArgs& a) {
  RewardRegistry registry;
  add_builtin_rewards(registry);
  if (a.list) {
    for (const auto& name : registry.names()) std::printf("%-22s %s\n", name.c_str(), registry.help(name).c_str());
    return 0;
  }
  if (a.config.empty() || a.input.empty()) fail("grpo reward needs --config and --input (or --list)");
  const LoadedRewardsConfig cfg = load_rewards_config(a.config, a.overrides);
  const RewardSet set(cfg.config, cfg.node, registry);

  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (a.output != "-") {
    file.reset(std::fopen(a.output.c_str(), "w"));
    if (!file) fail("{}: cannot open for writing. HINT: check the directory exists", a.output);
    out = file.get();
  }
  const size_t F = set.labels().size();
  std::vector<double> sums(F, 0.0);
  std::vector<int64_t> errors(F, 0);
  size_t count = 0;
  std::vector<Sample> batch;
  auto flush = [&] {
    std::vector<RewardInput> inputs(batch.size());
    for (size_t i = 0; i < batch.size(); ++i)
      inputs[i] = {batch[i].prompt, batch[i].completion, batch[i].tokens, batch[i].finish_reason, &batch[i].row};
    const RewardBatch b = set.score(inputs);
    for (size_t i = 0; i < batch.size(); ++i) {
      Json line = {{"line", batch[i].line}, {"total", b.total[i]}, {"scores", Json::object()}, {"details", Json::object()}};
      for (size_t f = 0; f < F; ++f) {
        line["scores"][set.labels()[f]] = b.scores[f][i];
        line["details"][set.labels()[f]] = b.details[f][i];
        sums[f] += b.scores[f][i];
      }
      write_jsonl_line(out, line);
    }
    for (size_t f = 0; f < F; ++f) errors[f] += b.errors[f];
    count += batch.size();
    batch.clear();
  };
  for_each_jsonl(a.input, [&](const JsonlRow& r) {
    batch.push_back(parse_sample(r));
    if (batch.size() >= a.batch) flush();
  });
  if (!batch.empty()) flush();
  std::fflush(out);
  std::fprintf(stderr, "grpo reward: %zu samples\n", count);
  for (size_t f = 0; f < F; ++f)
    std::fprintf(stderr, "  %-22s weight %-6g mean %.6f  errors %lld\n", set.labels()[f].c_str(), set.weights()[f],
                 count > 0 ? sums[f] / static_cast<double>(count) : 0.0, static_cast<long long>(errors[f]));
  return 0;
}

}  // namespace

void add_reward_command(CLI::App& app) {
  auto args = std::make_shared<RewardArgs>();
  CLI::App* sub = app.add_subcommand("reward", "Score JSONL samples with the rewards of a config (offline)");
  sub->add_option("--config,-c", args->config, "YAML file with a `rewards:` section");
  sub->add_option("--input,-i", args->input,
                  "JSONL: {completion, prompt?, completion_tokens?, finish_reason?, row?} per line ('-' = stdin)");
  sub->add_option("--output,-o", args->output, "where to write the scored lines ('-' = stdout)");
  sub->add_option("--batch", args->batch, "samples scored together (in parallel)")->check(CLI::PositiveNumber);
  sub->add_flag("--list", args->list, "list the registered reward names and exit");
  sub->add_option("overrides", args->overrides, "config overrides key=value (e.g. rewards.threads=4)");
  set_command_action(sub, [args] { return run_reward(*args); });
}

}  // namespace grpo
