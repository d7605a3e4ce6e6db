// Typed access to dataset-row fields for rewards, with reasons instead of exceptions.
#include "rewards/row_fields.h"

#include <fmt/format.h>

#include <charconv>

namespace grpo {
namespace {

const Json* find_field(const RewardInput& in, const std::string& field, std::string& error) {
  if (in.row == nullptr || !in.row->is_object()) {
    error = fmt::format("no dataset row (needed for field '{}')", field);
    return nullptr;
  }
  auto it = in.row->find(field);
  if (it == in.row->end() || it->is_null()) {
    error = fmt::format("row has no field '{}'", field);
    return nullptr;
  }
  return &*it;
}

std::optional<int64_t> to_integer(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) return out;
  }
  return std::nullopt;
}

}  // namespace

FieldResult<std::string> row_text(const RewardInput& in, const std::string& field) {
  FieldResult<std::string> r;
  const Json* v = find_field(in, field, r.error);
  if (v == nullptr) return r;
  if (v->is_string()) r.value = v->get<std::string>();
  else if (v->is_number() || v->is_boolean()) r.value = v->dump();
  else r.error = fmt::format("row field '{}' is a {}, expected a string or number", field, v->type_name());
  return r;
}

FieldResult<int64_t> row_integer(const RewardInput& in, const std::string& field) {
  FieldResult<int64_t> r;
  const Json* v = find_field(in, field, r.error);
  if (v == nullptr) return r;
  r.value = to_integer(*v);
  if (!r.value) r.error = fmt::format("row field '{}' is not an integer: {}", field, v->dump());
  return r;
}

FieldResult<std::vector<int64_t>> row_integer_list(const RewardInput& in, const std::string& field) {
  FieldResult<std::vector<int64_t>> r;
  const Json* v = find_field(in, field, r.error);
  if (v == nullptr) return r;
  if (!v->is_array()) {
    r.error = fmt::format("row field '{}' is a {}, expected a list of integers", field, v->type_name());
    return r;
  }
  std::vector<int64_t> out;
  for (const auto& e : *v) {
    auto i = to_integer(e);
    if (!i) {
      r.error = fmt::format("row field '{}' holds a non-integer: {}", field, e.dump());
      return r;
    }
    out.push_back(*i);
  }
  r.value = std::move(out);
  return r;
}

RewardOutput data_error(std::string message) {
  RewardOutput out;
  out.details["error"] = std::move(message);
  return out;
}

}  // namespace grpo
