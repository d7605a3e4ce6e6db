// JSONL input with located errors: every problem names "file:line" and, for fields, the field.
// "-" reads standard input. Used by datasets, `grpo tokenize|reward|logprobs|generate`.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "src/util/error.h"

namespace grpo {

using Json = nlohmann::json;

struct JsonlRow {
  Json value;
  std::string file;
  int line = 0;  // 1-based line in the file
  std::string where() const { return location(file, line); }
};

// Calls fn for each non-blank line. A line that is not a JSON object throws grpo::Error.
void for_each_jsonl(const std::string& path, const std::function<void(const JsonlRow&)>& fn);
std::vector<JsonlRow> read_jsonl(const std::string& path);

// Typed field access: missing field or wrong type throws "file:line: field 'x': expected ...".
template <class T>
T json_field(const JsonlRow& row, const char* field) {
  auto it = row.value.find(field);
  if (it == row.value.end()) fail("{}: missing field '{}'", row.where(), field);
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("{}: field '{}': wrong type ({}). HINT: check the dataset row", row.where(), field, it->type_name());
  }
}

// Writes one compact JSON line (atomic per line with respect to other writers on this stream).
void write_jsonl_line(std::FILE* out, const Json& value);

}  // namespace grpo
