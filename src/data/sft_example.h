// One supervised example as token ids plus a per-token "trained" mask, built from a dataset row in
// one of three formats: prompt/completion (loss on the completion), chat messages (loss on the
// assistant turns), plain text (loss on every token but the first). Called by SftDataset; the SFT
// trainer packs the results (trainer/packing.h). Torch-free; never truncates (the dataset does).
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "src/tokenizer/chat_template.h"
#include "src/tokenizer/prompt_template.h"
#include "src/tokenizer/tokenizer.h"

namespace grpo {

struct SftExample {
  std::vector<int64_t> tokens;
  std::vector<uint8_t> trained;  // same length; trained[0] is always 0 (nothing predicts token 0)
  int64_t trained_tokens() const;
};

// Prompt (rendered by `prompt_template`) and completion are tokenized separately and the ids
// concatenated: the loss then starts exactly at the first completion token, whereas tokenizing the
// joined text could merge the last prompt characters with the first completion ones into a token
// that belongs to neither (e.g. "=" + " 4" -> "= 4" style merges), leaving no exact boundary.
// The prompt gets the tokenizer's special tokens (a Llama BOS) unless it is chat-rendered (the
// template writes them itself). eos_id >= 0 is appended to the completion and trained.
SftExample encode_prompt_completion(const Tokenizer& tok, const std::string& prompt_text, bool prompt_is_chat,
                                    const std::string& completion, int64_t eos_id);

// Plain text: every token but the first is trained; eos_id >= 0 is appended (document separator).
SftExample encode_text(const Tokenizer& tok, const std::string& text, int64_t eos_id);

// A conversation rendered by the chat template, with the character spans [begin, end) of the
// assistant turns in `text`. Span i starts where the template's generation prompt after
// messages[:i] ends (so Qwen3's "<think>\n\n</think>\n\n" of the final turn is trained, as the
// model produces it) and ends after the turn's closing marker (e.g. "<|im_end|>", trailing
// whitespace excluded) — what HF's {% generation %} markers delimit in TRL's training templates.
// Spans are found by rendering prefixes: render(messages[:i], add_generation_prompt) must be a
// prefix of the whole rendering, else grpo::Error (naming `where` and the message).
struct RenderedChat {
  std::string text;
  std::vector<std::pair<size_t, size_t>> assistant_spans;
};
RenderedChat render_with_assistant_spans(const ChatTemplate& tmpl, const nlohmann::ordered_json& messages,
                                         const std::string& where);

// Tokenizes the rendering piece by piece (outside / inside each span, no added special tokens) so
// that span boundaries are token boundaries; only tokens inside spans are trained.
SftExample encode_messages(const Tokenizer& tok, const ChatTemplate& tmpl, const nlohmann::ordered_json& messages,
                           const std::string& where);

}  // namespace grpo
