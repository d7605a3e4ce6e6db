// `grpo tokenize`: JSONL text <-> ids with a Hugging Face tokenizer, for checking prompts and
// datasets by hand. Encode reads {"text": ...} and writes {"ids": [...]}; --decode reads
// {"ids": [...]} and writes {"text": ...}. Encoding runs in chunks on all cores; output keeps input order.
#include <cstdio>
#include <string>
#include <vector>

#include "src/cli/commands.h"
#include "src/tokenizer/tokenizer.h"
#include "src/util/jsonl.h"

namespace grpo {
namespace {

struct TokenizeArgs {
  std::string tokenizer, input = "-";
  bool add_special_tokens = false, decode = false, skip_special_tokens = false;
};

int run_tokenize(const TokenizeArgs& a) {
  const Tokenizer tok = Tokenizer::load(a.tokenizer);
  constexpr size_t kChunk = 4096;  // rows encoded together by encode_batch
  std::vector<std::string> texts;
  const auto flush = [&] {
    for (const auto& row : tok.encode_batch(texts, a.add_special_tokens)) write_jsonl_line(stdout, Json{{"ids", row}});
    texts.clear();
  };
  for_each_jsonl(a.input, [&](const JsonlRow& row) {
    if (!a.decode) {
      texts.push_back(json_field<std::string>(row, "text"));
      if (texts.size() >= kChunk) flush();
      return;
    }
    const auto ids = json_field<std::vector<TokenId>>(row, "ids");
    try {
      write_jsonl_line(stdout, Json{{"text", tok.decode(ids, a.skip_special_tokens)}});
    } catch (const Error& e) {
      fail("{}: field 'ids': {}", row.where(), e.what());
    }
  });
  flush();
  return 0;
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto args = std::make_shared<TokenizeArgs>();
  CLI::App* sub = app.add_subcommand("tokenize", "Encode JSONL {\"text\"} rows to {\"ids\"} (or --decode the reverse)");
  sub->add_option("--tokenizer", args->tokenizer, "model directory with tokenizer.json, or the file")->required();
  sub->add_option("--input", args->input, "JSONL input file (default: standard input)");
  sub->add_flag("--add-special-tokens", args->add_special_tokens, "apply the tokenizer's post-processor (e.g. BOS)");
  sub->add_flag("--decode", args->decode, "read {\"ids\": [...]} rows and write {\"text\": ...}");
  sub->add_flag("--skip-special-tokens", args->skip_special_tokens, "with --decode: drop special tokens");
  set_command_action(sub, [args] { return run_tokenize(*args); });
}

}  // namespace grpo
