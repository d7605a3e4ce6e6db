// Self-check and statistics of a generated Countdown directory, measured with grpo's own
// Tokenizer (loaded from the written files) and the built-in `countdown` and `format` rewards.
// gen_countdown calls it after writing; it throws grpo::Error when the data contradicts itself
// (a solution the reward rejects, a text that does not round-trip through the tokenizer).
#pragma once
#include <nlohmann/json.hpp>

#include <filesystem>
#include <vector>

#include "examples/countdown/countdown_corpus.h"
#include "examples/countdown/countdown_task.h"

namespace grpo::countdown {

nlohmann::ordered_json measure(const std::filesystem::path& dir, const std::vector<Task>& train,
                               const std::vector<Task>& eval, const std::vector<CorpusText>& corpus);

}  // namespace grpo::countdown
