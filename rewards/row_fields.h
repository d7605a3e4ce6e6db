// Reading the dataset row (RewardInput::row) from a reward: a field as text, as a number, or as a
// list of integers. Absent or ill-typed fields come back as a message for details["error"], never
// as an exception, because they are data errors (rewards/reward.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rewards/reward.h"

namespace grpo {

// Either the value or a one-line reason ("row has no field 'target'").
template <class T>
struct FieldResult {
  std::optional<T> value;
  std::string error;
  explicit operator bool() const { return value.has_value(); }
};

// A string field as is; a number or bool rendered as JSON text ("42", "true").
FieldResult<std::string> row_text(const RewardInput& in, const std::string& field);
// An integer field, or a string holding an integer ("24").
FieldResult<int64_t> row_integer(const RewardInput& in, const std::string& field);
// A list of integers (or of strings holding integers).
FieldResult<std::vector<int64_t>> row_integer_list(const RewardInput& in, const std::string& field);

// Sets score 0 and details["error"] = message: the one way a reward reports a data error.
RewardOutput data_error(std::string message);

}  // namespace grpo
