// Location formatting shared by every error message that points into a user's file.
#include "src/util/error.h"

namespace grpo {

std::string location(std::string_view file, int line) {
  if (line <= 0) return std::string(file);
  return fmt::format("{}:{}", file, line);
}

}  // namespace grpo
