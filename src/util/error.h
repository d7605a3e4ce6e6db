// grpo::Error — the one exception type of the toolkit. Every failure a user can cause (bad file,
// bad config key, malformed JSONL row) is reported as "where: what. HINT: how to fix", where
// `where` names the file, the line and the field. Torch-free; included everywhere.
#pragma once
#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace grpo {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws grpo::Error with a fmt-formatted message.
template <class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

// "file:line" (line 1-based; 0 means "whole file"), the prefix of every located message.
std::string location(std::string_view file, int line);

}  // namespace grpo
