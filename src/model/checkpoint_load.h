// Loading a Hugging Face checkpoint directory (config.json + model.safetensors, or shards listed in
// model.safetensors.index.json) into a CausalLM on a device and dtype. Files are memory-mapped and each
// tensor is converted straight into its parameter, so peak host memory is one tensor, not a second copy
// of the model. A missing tensor or a shape mismatch is a grpo::Error naming the tensor and the file.
#pragma once
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <filesystem>

#include "src/model/causal_lm.h"

namespace grpo {

CausalLM load_causal_lm(const std::filesystem::path& dir, const c10::Device& device, c10::ScalarType dtype);
// Fills the parameters of an existing model (same architecture) from `dir`'s weights.
void load_weights(CausalLMImpl& model, const std::filesystem::path& dir);

}  // namespace grpo
