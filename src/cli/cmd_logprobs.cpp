// `grpo logprobs`: per-token log-probabilities of token sequences under a checkpoint. Each input line
// {"ids": [...]} gives one output line {"logprobs": [...]} with log p(ids[i+1] | ids[..i]) (one fewer
// value than ids). Lines are packed into forwards of up to --batch-tokens tokens; output keeps input order.
#include <torch/torch.h>

#include <cstdio>

#include "src/cli/commands.h"
#include "src/model/checkpoint_load.h"
#include "src/tensor/device.h"
#include "src/util/error.h"
#include "src/util/jsonl.h"
#include "src/util/log.h"

namespace grpo {
namespace {

struct LogprobsArgs {
  std::string model, input, output = "-", device = "auto", dtype = "auto";
  int64_t batch_tokens = 8192;
};

struct Row {
  std::vector<int64_t> ids;
};

void score_batch(CausalLMImpl& lm, const std::vector<Row>& rows, std::FILE* out) {
  std::vector<int64_t> flat, targets, lengths;
  for (const auto& r : rows) {
    flat.insert(flat.end(), r.ids.begin(), r.ids.end());
    for (size_t i = 0; i < r.ids.size(); ++i) targets.push_back(i + 1 < r.ids.size() ? r.ids[i + 1] : 0);
    lengths.push_back(static_cast<int64_t>(r.ids.size()));
  }
  const auto device = lm.options().device();
  auto batch = make_packed_batch(torch::tensor(flat, torch::kLong).to(device), lengths);
  auto lp = lm.token_logprobs(batch, torch::tensor(targets, torch::kLong).to(device), {}).logprobs.to(torch::kCPU);
  const float* p = lp.data_ptr<float>();
  for (const auto& r : rows) {
    std::vector<double> values(p, p + r.ids.size() - 1);  // the last position predicts past the end
    write_jsonl_line(out, Json{{"logprobs", values}});
    p += r.ids.size();
  }
}

int run_logprobs(const LogprobsArgs& a) {
  if (a.batch_tokens <= 0) fail("logprobs: --batch-tokens must be positive");
  const auto device = resolve_device(a.device);
  const auto dtype = resolve_dtype(a.dtype, device);
  auto lm = load_causal_lm(a.model, device, dtype);
  lm->eval();
  torch::NoGradGuard no_grad;
  const int64_t vocab = lm->config().vocab_size;
  std::FILE* out = a.output == "-" ? stdout : std::fopen(a.output.c_str(), "w");
  if (out == nullptr) fail("{}: cannot create. HINT: check the --output path", a.output);
  std::vector<Row> pending;
  int64_t pending_tokens = 0;
  const auto flush = [&] {
    if (!pending.empty()) score_batch(*lm, pending, out);
    pending.clear();
    pending_tokens = 0;
  };
  for_each_jsonl(a.input, [&](const JsonlRow& row) {
    Row r{json_field<std::vector<int64_t>>(row, "ids")};
    if (r.ids.empty()) fail("{}: field 'ids' is empty. HINT: give at least one token id", row.where());
    for (int64_t id : r.ids)
      if (id < 0 || id >= vocab) fail("{}: field 'ids': id {} outside the vocabulary [0, {})", row.where(), id, vocab);
    if (pending_tokens + static_cast<int64_t>(r.ids.size()) > a.batch_tokens) flush();
    pending_tokens += static_cast<int64_t>(r.ids.size());
    pending.push_back(std::move(r));
  });
  flush();
  if (out != stdout && std::fclose(out) != 0) fail("{}: write failed", a.output);
  return 0;
}

}  // namespace

void add_logprobs_command(CLI::App& app) {
  auto args = std::make_shared<LogprobsArgs>();
  CLI::App* sub = app.add_subcommand("logprobs", "Per-token log-probabilities of JSONL {\"ids\": [...]} lines");
  sub->add_option("--model", args->model, "Hugging Face checkpoint directory")->required();
  sub->add_option("--input", args->input, "JSONL file, one {\"ids\": [...]} per line; - for stdin")->required();
  sub->add_option("--output", args->output, "JSONL output, one {\"logprobs\": [...]} per line")->capture_default_str();
  sub->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  sub->add_option("--dtype", args->dtype, "auto (bf16 on CUDA, fp32 on CPU), fp32, bf16, fp16")->capture_default_str();
  sub->add_option("--batch-tokens", args->batch_tokens, "tokens per packed forward")->capture_default_str();
  set_command_action(sub, [args] { return run_logprobs(*args); });
}

}  // namespace grpo
