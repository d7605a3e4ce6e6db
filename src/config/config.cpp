// Non-template parts of the typed config reader: unknown-key reporting and the reference table.
#include "src/config/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace grpo {
namespace config_detail {

void Reader::report_unknown_keys() const {
  for (const auto& kv : node_.node) {
    const auto key = kv.first.as<std::string>();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    const ConfigNode child = node_.child(key);
    std::string hint;
    const std::string near = closest_name(key, known_);
    if (!near.empty()) hint = fmt::format(" HINT: did you mean '{}'?", near);
    errors_.add(child.location(), child.path,
                fmt::format("unknown key.{} Known keys here: {}", hint, fmt::join(known_, ", ")));
  }
}

}  // namespace config_detail

std::string config_reference_markdown(const std::vector<ConfigFieldDoc>& rows) {
  std::string out = "| key | type | default | meaning |\n|---|---|---|---|\n";
  auto escape = [](std::string s) {
    for (size_t p = 0; (p = s.find('|', p)) != std::string::npos; p += 2) s.replace(p, 1, "\\|");
    return s;
  };
  for (const auto& r : rows)
    out += fmt::format("| `{}` | {} | `{}` | {} |\n", r.key, r.type, escape(r.default_value), escape(r.help));
  return out;
}

}  // namespace grpo
