// Line-by-line JSONL reader; a file that ends without a newline still yields its last line.
#include "src/util/jsonl.h"

#include <cstdio>
#include <fstream>
#include <iostream>

namespace grpo {

void for_each_jsonl(const std::string& path, const std::function<void(const JsonlRow&)>& fn) {
  std::ifstream file;
  std::istream* in = &std::cin;
  const std::string name = path == "-" ? "<stdin>" : path;
  if (path != "-") {
    file.open(path);
    if (!file) fail("{}: cannot open JSONL file. HINT: check the path", path);
    in = &file;
  }
  std::string text;
  JsonlRow row;
  row.file = name;
  for (int line = 1; std::getline(*in, text); ++line) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    row.line = line;
    try {
      row.value = Json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      fail("{}: invalid JSON: {}", location(name, line), e.what());
    }
    if (!row.value.is_object()) fail("{}: expected a JSON object per line, got {}", location(name, line), row.value.type_name());
    fn(row);
  }
}

std::vector<JsonlRow> read_jsonl(const std::string& path) {
  std::vector<JsonlRow> rows;
  for_each_jsonl(path, [&](const JsonlRow& row) { rows.push_back(row); });
  return rows;
}

void write_jsonl_line(std::FILE* out, const Json& value) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), out);
}

}  // namespace grpo
