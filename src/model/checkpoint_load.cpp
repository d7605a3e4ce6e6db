// Weight loading: resolve which file holds each HF name, then copy (with dtype/device conversion).
#include "src/model/checkpoint_load.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>
#include <map>
#include <memory>

#include "src/model/safetensors.h"
#include "src/util/error.h"
#include "src/util/log.h"

namespace grpo {
namespace {

namespace fs = std::filesystem;

// name -> file that holds it, from the index (sharded) or from the single file's header.
std::map<std::string, fs::path> weight_map(const fs::path& dir) {
  std::map<std::string, fs::path> map;
  const auto index = dir / "model.safetensors.index.json";
  if (fs::exists(index)) {
    std::ifstream in(index);
    auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
      fail("{}: not a valid index (needs an object 'weight_map'). HINT: re-save the checkpoint", index.string());
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
      if (!it->is_string()) fail("{}: weight_map['{}'] is not a file name", index.string(), it.key());
      const fs::path file = it->get<std::string>();
      if (file.has_parent_path() || file.filename() == "..")
        fail("{}: weight_map['{}'] = '{}' must be a file name inside the checkpoint", index.string(), it.key(), file.string());
      map[it.key()] = dir / file;
    }
    return map;
  }
  const auto single = dir / "model.safetensors";
  if (!fs::exists(single))
    fail("{}: neither model.safetensors nor model.safetensors.index.json found. HINT: pass a Hugging Face checkpoint "
         "directory saved with safetensors",
         dir.string());
  SafetensorsFile f(single);
  for (const auto& t : f.header().tensors) map[t.name] = single;
  return map;
}

}  // namespace

void load_weights(CausalLMImpl& model, const fs::path& dir) {
  const auto map = weight_map(dir);
  std::map<fs::path, std::unique_ptr<SafetensorsFile>> files;
  torch::NoGradGuard no_grad;
  for (auto& p : model.named_parameters()) {
    auto it = map.find(p.key());
    if (it == map.end())
      fail("{}: tensor '{}' is missing from the checkpoint. HINT: the config.json does not match the weights "
           "(model_type, tie_word_embeddings, attention_bias?)",
           dir.string(), p.key());
    auto& file = files[it->second];
    if (!file) file = std::make_unique<SafetensorsFile>(it->second);
    const auto src = file->tensor(p.key());
    if (src.sizes() != p.value().sizes())
      fail("{}: tensor '{}' has shape {} but the config implies {}. HINT: config.json and weights disagree",
           it->second.string(), p.key(), c10::str(src.sizes()), c10::str(p.value().sizes()));
    if (!src.is_floating_point()) fail("{}: tensor '{}' is not floating point", it->second.string(), p.key());
    p.value().copy_(src);
  }
  const auto params = model.named_parameters();
  for (const auto& [name, file] : map)
    if (params.find(name) == nullptr && name != "lm_head.weight" && name.find("rotary_emb.inv_freq") == std::string::npos)
      log_warn("{}: ignoring unexpected tensor '{}'", file.string(), name);
}

CausalLM load_causal_lm(const fs::path& dir, const c10::Device& device, c10::ScalarType dtype) {
  auto config = load_model_config(dir);
  CausalLM model(config, torch::TensorOptions().dtype(dtype).device(device));
  load_weights(*model, dir);
  return model;
}

}  // namespace grpo
