// SFT dataset loading: row checks, tokenization, truncation (see sft_dataset.h).
#include "src/data/sft_dataset.h"

#include <memory>

#include "src/util/error.h"
#include "src/util/jsonl.h"
#include "src/util/log.h"
#include "src/util/parallel.h"

namespace grpo {
namespace {

std::string detect_format(const JsonlRow& row, const SftDataOptions& o) {
  if (row.value.contains("messages")) return "messages";
  if (row.value.contains(o.prompt_field) && row.value.contains(o.completion_field)) return "prompt_completion";
  if (row.value.contains(o.text_field)) return "text";
  fail("{}: cannot tell the data format: the row has no 'messages', no '{}' + '{}', and no '{}' field. HINT: set "
       "data.format and the data.*_field names to match the dataset's columns",
       row.where(), o.prompt_field, o.completion_field, o.text_field);
}

void require_string(const JsonlRow& row, const std::string& field) {
  const auto it = row.value.find(field);
  if (it == row.value.end())
    fail("{}: missing field '{}'. HINT: every row of a {} dataset needs it (or set data.format / data.*_field)",
         row.where(), field, field);
  if (!it->is_string())
    fail("{}: field '{}': expected a string, got {}. HINT: check the dataset row", row.where(), field, it->type_name());
}

void check_messages(const JsonlRow& row) {
  const auto it = row.value.find("messages");
  if (it == row.value.end()) fail("{}: missing field 'messages'. HINT: a messages row is {{\"messages\": [{{\"role\": ..., \"content\": ...}}, ...]}}", row.where());
  if (!it->is_array() || it->empty())
    fail("{}: field 'messages': expected a non-empty list of {{role, content}}", row.where());
  bool has_assistant = false;
  for (size_t i = 0; i < it->size(); ++i) {
    const auto& m = (*it)[i];
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content") ||
        !m["content"].is_string())
      fail("{}: field 'messages[{}]': each message needs string 'role' and 'content'", row.where(), i);
    has_assistant = has_assistant || m["role"] == "assistant";
  }
  if (!has_assistant)
    fail("{}: field 'messages': no assistant message, so nothing would be trained. HINT: SFT trains on assistant "
         "turns; add one or drop the row",
         row.where());
}

void check_row(const JsonlRow& row, const std::string& format, const SftDataOptions& o) {
  if (format == "messages") {
    check_messages(row);
  } else if (format == "prompt_completion") {
    require_string(row, o.prompt_field);
    require_string(row, o.completion_field);
  } else {
    require_string(row, o.text_field);
  }
}

}  // namespace

SftDataset SftDataset::load(const std::string& path, const SftDataOptions& o, const Tokenizer& tok) {
  if (o.format != "auto" && o.format != "prompt_completion" && o.format != "messages" && o.format != "text")
    fail("data.format '{}' is unknown. HINT: use auto, prompt_completion, messages or text", o.format);
  std::vector<JsonlRow> rows = read_jsonl(path);
  if (rows.empty()) fail("{}: no rows. HINT: the data file must hold one JSON object per line", path);
  SftDataset ds;
  ds.stats_.format = o.format == "auto" ? detect_format(rows[0], o) : o.format;
  ds.stats_.rows = rows.size();
  const std::string& format = ds.stats_.format;
  for (const auto& row : rows) check_row(row, format, o);  // in file order: the first bad row is reported

  const int64_t eos = o.add_eos ? tok.eos_id() : -1;
  if (o.add_eos && eos < 0 && format != "messages")
    fail("{}: data.add_eos is true but the tokenizer has no eos_token. HINT: set data.add_eos=false, or add eos_token "
         "to tokenizer_config.json",
         tok.source());
  std::unique_ptr<ChatTemplate> chat;
  std::unique_ptr<PromptTemplate> prompt;
  if (format == "messages") chat = std::make_unique<ChatTemplate>(ChatTemplate::from_tokenizer(tok));
  if (format == "prompt_completion")
    prompt = std::make_unique<PromptTemplate>(PromptTemplate::create(o.prompt_template, &tok));
  const bool prompt_is_chat = o.prompt_template == "chat";

  std::vector<SftExample> examples(rows.size());
  parallel_for(rows.size(), o.threads, [&](size_t i) {
    const JsonlRow& row = rows[i];
    if (format == "messages") {
      const auto messages = nlohmann::ordered_json::parse(row.value["messages"].dump());
      examples[i] = encode_messages(tok, *chat, messages, row.where());
    } else if (format == "prompt_completion") {
      examples[i] = encode_prompt_completion(tok, prompt->render(row.value, row.where()), prompt_is_chat,
                                             row.value[o.completion_field].get<std::string>(), eos);
    } else {
      examples[i] = encode_text(tok, row.value[o.text_field].get<std::string>(), eos);
    }
  });

  const size_t max_len = static_cast<size_t>(o.max_seq_len);
  for (auto& ex : examples) {
    if (ex.tokens.size() > max_len) {  // keep the head: the prompt and the start of the answer
      ex.tokens.resize(max_len);
      ex.trained.resize(max_len);
      ++ds.stats_.truncated;
    }
    const int64_t trained = ex.trained_tokens();
    if (trained == 0) {
      ++ds.stats_.dropped;
      continue;
    }
    ds.stats_.tokens += static_cast<int64_t>(ex.tokens.size());
    ds.stats_.trained_tokens += trained;
    ds.examples_.push_back(std::move(ex));
  }
  if (ds.examples_.empty())
    fail("{}: none of the {} examples has a trained token within data.max_seq_len = {}. HINT: raise data.max_seq_len",
         path, rows.size(), o.max_seq_len);
  return ds;
}

}  // namespace grpo
