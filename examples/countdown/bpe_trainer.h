// A small byte-level BPE trainer and the Hugging Face tokenizer files it writes, for the toy
// Countdown model. The tokenizer has Qwen2's pipeline (NFC, Qwen2 split regex with single digits,
// ByteLevel), so grpo::Tokenizer and HF `tokenizers` read it as they read Qwen's. Deterministic:
// ties between equally frequent pairs go to the smaller id pair. Not a general-purpose trainer
// (it recounts all pairs per merge; fine for a few hundred merges over a few thousand words).
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace grpo::countdown {

struct AddedTokenSpec {
  std::string content;
  bool special = false;  // special tokens are dropped by decode(skip_special_tokens=true)
};

struct TrainedBpe {
  std::vector<AddedTokenSpec> added;                          // ids 0 .. added.size()-1
  std::vector<std::string> vocab;                             // id -> token (GPT-2 byte alphabet)
  std::vector<std::pair<std::string, std::string>> merges;   // in rank order
};

// The ids: added tokens first (so eos is id 0 whatever the vocabulary size), then the 256 bytes,
// then one id per merge, until vocab_size ids or until no pair occurs twice. Added tokens are cut
// out of the texts before training, as HF cuts them out before pre-tokenization.
TrainedBpe train_bpe(const std::vector<std::string>& texts, const std::vector<AddedTokenSpec>& added,
                     size_t vocab_size);

// tokenizer.json (HF tokenizers format) and tokenizer_config.json (transformers) for a model dir.
nlohmann::ordered_json tokenizer_json(const TrainedBpe& bpe);
nlohmann::ordered_json tokenizer_config_json(const TrainedBpe& bpe, const std::string& eos, int64_t max_length);

}  // namespace grpo::countdown
