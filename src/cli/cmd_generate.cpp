// `grpo generate`: samples G completions per prompt with the rollout engine — the same code path the
// trainer uses. Input lines are {"prompt": "text"} (the prompt template is applied) or {"ids": [...]};
// one JSONL output line per completion: prompt_index, sample_index, text, ids, logprobs, finish_reason.
#include <cstdio>

#include "src/cli/commands.h"
#include "src/cli/generation_setup.h"
#include "src/util/error.h"
#include "src/util/jsonl.h"

namespace grpo {
namespace {

struct GenerateArgs {
  GenerationFlags gen;
  std::string prompts, output = "-";
  int64_t n = 1;
};

int run_generate(const GenerateArgs& a) {
  Generator generator(a.gen, "generate");
  const Tokenizer& tok = generator.tokenizer();
  std::vector<std::vector<TokenId>> prompts;
  for_each_jsonl(a.prompts, [&](const JsonlRow& row) {
    if (row.value.contains("ids")) {
      prompts.push_back(json_field<std::vector<TokenId>>(row, "ids"));
    } else {
      json_field<std::string>(row, "prompt");  // located error when missing or not a string
      prompts.push_back(tok.encode(generator.prompt_template().render(row.value, row.where())));
    }
    if (prompts.back().empty()) fail("{}: the prompt is empty after tokenization", row.where());
  });

  const RolloutResult result = generator.generate(prompts, a.n);
  std::FILE* out = a.output == "-" ? stdout : std::fopen(a.output.c_str(), "w");
  if (out == nullptr) fail("{}: cannot create. HINT: check the --output path", a.output);
  for (const auto& c : result.completions)
    write_jsonl_line(out, Json{{"prompt_index", c.prompt_index},
                               {"sample_index", c.sample_index},
                               {"text", c.text},
                               {"ids", c.token_ids},
                               {"logprobs", c.logprobs},
                               {"finish_reason", std::string(finish_reason_name(c.finish_reason))}});
  if (out != stdout && std::fclose(out) != 0) fail("{}: write failed", a.output);
  return 0;
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto a = std::make_shared<GenerateArgs>();
  CLI::App* sub = app.add_subcommand("generate", "Sample G completions per prompt (JSONL in, JSONL out)");
  sub->add_option("--prompts", a->prompts, "JSONL: {\"prompt\": text} or {\"ids\": [...]} per line; - for stdin")
      ->required();
  sub->add_option("--output", a->output, "JSONL output, one line per completion")->capture_default_str();
  sub->add_option("--n", a->n, "completions per prompt (G)")->capture_default_str();
  add_generation_flags(sub, a->gen);
  set_command_action(sub, [a] { return run_generate(*a); });
}

}  // namespace grpo
