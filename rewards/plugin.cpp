// dlopen-based plug-in loader. Registrations made during the entry point are staged and enter
// the registry only after the returned ABI version has been checked, so a mismatched plug-in
// leaves the registry untouched.
#include "rewards/plugin.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <vector>

#include "rewards/plugin_abi.h"
#include "src/util/error.h"

namespace grpo {
namespace {

struct Library {
  void* handle = nullptr;
  std::string path;
  ~Library() {
    if (handle != nullptr) dlclose(handle);
  }
};

struct StagedDef {
  std::string name, help;
  grpo_reward_def def{};  // name/help point into the strings above after commit
};

struct Staging {
  std::vector<StagedDef> defs;
  std::vector<std::string> problems;
};

int stage_reward(void* host, const grpo_reward_def* def) {
  auto* staging = static_cast<Staging*>(host);
  if (def == nullptr || def->name == nullptr || def->create == nullptr || def->destroy == nullptr ||
      def->score == nullptr) {
    staging->problems.push_back(fmt::format("reward '{}' has a NULL name or function pointer",
                                            def != nullptr && def->name != nullptr ? def->name : "?"));
    return 1;
  }
  staging->defs.push_back({def->name, def->help != nullptr ? def->help : "", *def});
  return 0;
}

// YAML params -> JSON text for the plug-in. Scalars become numbers or booleans when they read as such.
Json yaml_to_json(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return nullptr;
  if (n.IsSequence()) {
    Json a = Json::array();
    for (const auto& e : n) a.push_back(yaml_to_json(e));
    return a;
  }
  if (n.IsMap()) {
    Json o = Json::object();
    for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
    return o;
  }
  const std::string& s = n.Scalar();
  if (n.Tag() != "!") {  // not a quoted string
    int64_t i = 0;
    double d = 0;
    bool b = false;
    if (s.find_first_of(".eE") == std::string::npos && YAML::convert<int64_t>::decode(n, i)) return i;
    if (YAML::convert<double>::decode(n, d)) return d;
    if (YAML::convert<bool>::decode(n, b)) return b;
  }
  return s;
}

struct ScoreSink {
  Json details = Json::object();
  std::string error;
  bool bad_details = false;
};

class PluginReward final : public Reward {
 public:
  PluginReward(std::shared_ptr<Library> lib, std::shared_ptr<StagedDef> def, void* instance)
      : lib_(std::move(lib)), def_(std::move(def)), instance_(instance) {}
  ~PluginReward() override { def_->def.destroy(instance_); }

  RewardOutput score(const RewardInput& in) const override {
    const std::string row = in.row != nullptr ? in.row->dump(-1, ' ', false, Json::error_handler_t::replace) : "null";
    const std::string finish(in.finish_reason);
    grpo_reward_sample sample{in.prompt.data(), in.prompt.size(), in.completion.data(), in.completion.size(),
                              in.completion_tokens, finish.c_str(), row.c_str(), row.size()};
    ScoreSink sink;
    grpo_reward_result result{0.0, &sink, &set_details, &set_error};
    const int rc = def_->def.score(instance_, &sample, &result);
    if (rc != 0)
      fail("plug-in reward '{}' ({}) failed (code {}): {}", def_->name, lib_->path, rc,
           sink.error.empty() ? "no message" : sink.error);
    if (sink.bad_details) fail("plug-in reward '{}' ({}) set details that are not a JSON object", def_->name, lib_->path);
    RewardOutput out;
    out.score = result.score;
    out.details = std::move(sink.details);
    if (!sink.error.empty()) out.details["error"] = sink.error;
    return out;
  }

 private:
  static void set_details(void* host, const char* json, size_t size) {
    auto* sink = static_cast<ScoreSink*>(host);
    if (json == nullptr) return;
    Json parsed = Json::parse(json, json + size, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) sink->details = std::move(parsed);
    else sink->bad_details = true;
  }
  static void set_error(void* host, const char* message) {
    static_cast<ScoreSink*>(host)->error = message != nullptr ? message : "error";
  }

  std::shared_ptr<Library> lib_;
  std::shared_ptr<StagedDef> def_;
  void* instance_;
};

}  // namespace

void load_reward_plugin(const std::string& path, RewardRegistry& registry, std::string_view where) {
  auto lib = std::make_shared<Library>();
  lib->path = path;
  lib->handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib->handle == nullptr)
    fail("{}: cannot load reward plug-in '{}': {}. HINT: check the path (relative paths start at the working "
         "directory) and that the library is built (e.g. build/examples/reward_plugin/)",
         where, path, dlerror());
  auto init = reinterpret_cast<grpo_reward_plugin_init_fn>(dlsym(lib->handle, GRPO_REWARD_PLUGIN_ENTRY));
  if (init == nullptr)
    fail("{}: '{}' is not a grpo reward plug-in: it has no symbol '{}'. HINT: define `extern \"C\" "
         "GRPO_REWARD_PLUGIN_EXPORT uint32_t {}(const grpo_reward_host_api*)` (rewards/plugin_abi.h)",
         where, path, GRPO_REWARD_PLUGIN_ENTRY, GRPO_REWARD_PLUGIN_ENTRY);

  Staging staging;
  const grpo_reward_host_api api{GRPO_REWARD_ABI_VERSION, &staging, &stage_reward};
  const uint32_t version = init(&api);
  if (version != GRPO_REWARD_ABI_VERSION)
    fail("{}: reward plug-in '{}' was built for plug-in ABI version {}, but this grpo speaks version {}. HINT: "
         "rebuild the plug-in against this grpo's rewards/plugin_abi.h",
         where, path, version, GRPO_REWARD_ABI_VERSION);
  if (!staging.problems.empty())
    fail("{}: reward plug-in '{}': {}. HINT: fill every field of grpo_reward_def", where, path, staging.problems[0]);
  if (staging.defs.empty())
    fail("{}: reward plug-in '{}' registered no reward. HINT: call api->register_reward in its entry point", where, path);

  for (StagedDef& staged : staging.defs) {
    auto def = std::make_shared<StagedDef>(std::move(staged));
    def->def.name = def->name.c_str();
    def->def.help = def->help.c_str();
    try {
      registry.add(def->name, [lib, def](const ConfigNode& params) -> std::unique_ptr<Reward> {
        const Json p = params.node.IsDefined() ? yaml_to_json(params.node) : Json::object();
        const std::string text = (p.is_null() ? Json::object() : p).dump();
        char error[512] = {0};
        void* instance = def->def.create(text.c_str(), error, sizeof(error));
        if (instance == nullptr) {
          error[sizeof(error) - 1] = '\0';
          fail("{}: reward '{}' (plug-in {}) rejected its params: {}. HINT: see the plug-in's documentation",
               params.location(), def->name, lib->path, error[0] != '\0' ? error : "no message");
        }
        return std::make_unique<PluginReward>(lib, def, instance);
      }, def->help.empty() ? fmt::format("(plug-in {})", path) : fmt::format("{} (plug-in {})", def->help, path));
    } catch (const Error& e) {
      fail("{}: reward plug-in '{}': {}", where, path, e.what());
    }
  }
}

}  // namespace grpo
