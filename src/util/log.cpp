// Implementation of the console logger: a mutex around fputs keeps lines whole across threads.
#include "src/util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "src/util/error.h"

namespace grpo {
namespace {

LogLevel initial_level() {
  const char* env = std::getenv("GRPO_LOG");
  if (env == nullptr || *env == '\0') return LogLevel::kInfo;
  try {
    return parse_log_level(env);
  } catch (const Error&) {
    return LogLevel::kInfo;
  }
}

std::atomic<int>& level_storage() {
  static std::atomic<int> level{static_cast<int>(initial_level())};
  return level;
}

const auto kStart = std::chrono::steady_clock::now();
std::mutex g_mutex;

}  // namespace

LogLevel parse_log_level(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  fail("unknown log level '{}'. HINT: use one of debug, info, warn, error", name);
}

bool log_enabled(LogLevel level) { return static_cast<int>(level) >= level_storage().load(); }
void set_log_level(LogLevel level) { level_storage().store(static_cast<int>(level)); }

void log_line(LogLevel level, std::string_view message) {
  static constexpr const char* kTags[] = {"debug", "info", "warn", "error"};
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - kStart).count();
  const std::string line = fmt::format("[grpo {:8.2f}s {}] {}\n", seconds, kTags[static_cast<int>(level)], message);
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fputs(line.c_str(), stderr);
}

}  // namespace grpo
