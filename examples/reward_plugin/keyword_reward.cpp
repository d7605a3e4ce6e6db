// Example grpo reward plug-in: `keyword` scores `score` when the completion contains `keyword`
// (case-sensitive), else 0, and reports how often it occurs. Build: it is part of the CMake build
// (build/examples/reward_plugin/keyword_reward.so). Use:
//   rewards:
//     plugins: [build/examples/reward_plugin/keyword_reward.so]
//     functions: [{name: keyword, params: {keyword: "therefore", score: 0.5}}]
// Only C types cross into grpo (rewards/plugin_abi.h); C++ and nlohmann::json stay inside.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <string_view>

#include "rewards/plugin_abi.h"

#ifndef KEYWORD_PLUGIN_ABI_VERSION
#define KEYWORD_PLUGIN_ABI_VERSION GRPO_REWARD_ABI_VERSION
#endif

namespace {

struct Keyword {
  std::string keyword;
  double score = 1.0;
};

void* create(const char* params_json, char* error, size_t error_size) {
  nlohmann::json p = nlohmann::json::parse(params_json, nullptr, /*allow_exceptions=*/false);
  auto keyword = p.is_object() ? p.find("keyword") : p.end();
  if (!p.is_object() || keyword == p.end() || !keyword->is_string() || keyword->get<std::string>().empty()) {
    std::snprintf(error, error_size, "params.keyword must be a non-empty string");
    return nullptr;
  }
  auto* k = new Keyword{keyword->get<std::string>(), 1.0};
  if (auto s = p.find("score"); s != p.end()) {
    if (!s->is_number()) {
      std::snprintf(error, error_size, "params.score must be a number");
      delete k;
      return nullptr;
    }
    k->score = s->get<double>();
  }
  return k;
}

void destroy(void* instance) { delete static_cast<Keyword*>(instance); }

// Thread-safe: reads the instance only.
int score(void* instance, const grpo_reward_sample* sample, grpo_reward_result* result) {
  const auto* k = static_cast<const Keyword*>(instance);
  const std::string_view text(sample->completion, sample->completion_size);
  int count = 0;
  for (size_t pos = text.find(k->keyword); pos != std::string_view::npos; pos = text.find(k->keyword, pos + 1)) ++count;
  result->score = count > 0 ? k->score : 0.0;
  const std::string details = nlohmann::json{{"count", count}}.dump();
  result->set_details(result->host, details.data(), details.size());
  return 0;
}

}  // namespace

extern "C" GRPO_REWARD_PLUGIN_EXPORT uint32_t grpo_reward_plugin_init(const grpo_reward_host_api* api) {
  if (api->abi_version != KEYWORD_PLUGIN_ABI_VERSION) return KEYWORD_PLUGIN_ABI_VERSION;
  const grpo_reward_def def = {"keyword", "completion contains params.keyword", create, destroy, score};
  api->register_reward(api->host, &def);
  return KEYWORD_PLUGIN_ABI_VERSION;
}
