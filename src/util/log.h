// Console logging for the binary and library: one line per event, to stderr, with elapsed time.
// Level from GRPO_LOG (debug|info|warn|error, default info). Thread-safe. Math code never logs.
#pragma once
#include <fmt/format.h>

#include <string_view>

namespace grpo {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void log_line(LogLevel level, std::string_view message);
bool log_enabled(LogLevel level);
void set_log_level(LogLevel level);
LogLevel parse_log_level(std::string_view name);  // throws grpo::Error listing the names

template <class... Args>
void log_info(fmt::format_string<Args...> f, Args&&... args) {
  if (log_enabled(LogLevel::kInfo)) log_line(LogLevel::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void log_warn(fmt::format_string<Args...> f, Args&&... args) {
  if (log_enabled(LogLevel::kWarn)) log_line(LogLevel::kWarn, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void log_debug(fmt::format_string<Args...> f, Args&&... args) {
  if (log_enabled(LogLevel::kDebug)) log_line(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void log_error(fmt::format_string<Args...> f, Args&&... args) {
  if (log_enabled(LogLevel::kError)) log_line(LogLevel::kError, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace grpo
