#include "src/model/generation_config.h"

#include <nlohmann/json.hpp>

#include "src/util/error.h"
#include "src/util/fs.h"

namespace grpo {

std::vector<int32_t> generation_config_eos(const std::filesystem::path& model_dir) {
  const auto path = model_dir / "generation_config.json";
  if (!std::filesystem::exists(path)) return {};
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(read_file(path.string()));
  } catch (const nlohmann::json::exception& e) {
    fail("{}: invalid JSON: {}", path.string(), e.what());
  }
  std::vector<int32_t> ids;
  const auto it = config.find("eos_token_id");
  if (it == config.end() || it->is_null()) return ids;
  auto add = [&](const nlohmann::json& v) {
    if (!v.is_number_integer()) fail("{}: eos_token_id: expected an integer or a list of integers", path.string());
    ids.push_back(v.get<int32_t>());
  };
  if (it->is_array())
    for (const auto& v : *it) add(v);
  else
    add(*it);
  return ids;
}

}  // namespace grpo
