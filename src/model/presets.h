// Named architectures for `grpo init-model --preset` and the benchmark: the config.json values of the
// public checkpoints (Qwen2.5, Qwen3, Llama 3.2) plus `tiny` for tests. Data only; no weights.
#pragma once
#include <string>
#include <vector>

#include "src/model/model_config.h"

namespace grpo {

ModelConfig model_preset(const std::string& name);  // grpo::Error listing the known names
std::vector<std::string> model_preset_names();

}  // namespace grpo
