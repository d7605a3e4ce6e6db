// Validating safetensors parser and memory-mapped reader (the writer is in safetensors_writer.cpp).
#include "src/model/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>

#include "src/util/error.h"

namespace grpo {
namespace {

using Json = nlohmann::json;
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the limit the reference implementation uses
constexpr int kMaxJsonDepth = 4;                    // {name: {shape: [..]}} needs 3

struct DtypeEntry {
  const char* name;
  StDtype dtype;
  size_t size;
};
constexpr DtypeEntry kDtypes[] = {
    {"F64", StDtype::F64, 8}, {"F32", StDtype::F32, 4}, {"F16", StDtype::F16, 2}, {"BF16", StDtype::BF16, 2},
    {"I64", StDtype::I64, 8}, {"I32", StDtype::I32, 4}, {"I16", StDtype::I16, 2}, {"I8", StDtype::I8, 1},
    {"U8", StDtype::U8, 1},   {"BOOL", StDtype::BOOL, 1},
};

// Rejects deeply nested JSON before handing it to the parser (bounded work, bounded stack).
void check_json_depth(std::string_view text, const std::string& where) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char ch : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '{' || ch == '[') {
      if (++depth > kMaxJsonDepth) fail("{}: safetensors header JSON is nested too deeply. HINT: the file is corrupt", where);
    } else if (ch == '}' || ch == ']') {
      --depth;
    }
  }
}

StTensorInfo parse_entry(const std::string& name, const Json& e, uint64_t data_size, const std::string& where) {
  const std::string at = fmt::format("{}: tensor '{}'", where, name);
  if (!e.is_object()) fail("{}: entry is not an object. HINT: the file is corrupt", at);
  StTensorInfo t;
  t.name = name;
  auto dt = e.find("dtype");
  if (dt == e.end() || !dt->is_string()) fail("{}: missing or non-string 'dtype'", at);
  const std::string dname = dt->get<std::string>();
  const DtypeEntry* entry = nullptr;
  for (const auto& d : kDtypes)
    if (dname == d.name) entry = &d;
  if (entry == nullptr) fail("{}: unsupported dtype '{}'. HINT: supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL", at, dname);
  t.dtype = entry->dtype;
  auto sh = e.find("shape");
  if (sh == e.end() || !sh->is_array()) fail("{}: missing or non-array 'shape'", at);
  uint64_t numel = 1;
  for (const auto& d : *sh) {
    if (!d.is_number_unsigned()) fail("{}: shape entries must be non-negative integers", at);
    const uint64_t v = d.get<uint64_t>();
    if (v > (1ull << 62) || __builtin_mul_overflow(numel, v, &numel) || numel > (1ull << 62))
      fail("{}: shape {} is too large", at, sh->dump());
    t.shape.push_back(static_cast<int64_t>(v));
  }
  auto off = e.find("data_offsets");
  if (off == e.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
      !(*off)[1].is_number_unsigned())
    fail("{}: 'data_offsets' must be [begin, end] with non-negative integers", at);
  t.begin = (*off)[0].get<uint64_t>();
  t.end = (*off)[1].get<uint64_t>();
  if (t.begin > t.end || t.end > data_size)
    fail("{}: data_offsets [{}, {}] lie outside the data section of {} bytes. HINT: the file is truncated or corrupt",
         at, t.begin, t.end, data_size);
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(numel, entry->size, &bytes) || bytes != t.end - t.begin)
    fail("{}: data_offsets span {} bytes but dtype {} and shape {} need {}", at, t.end - t.begin, dname, sh->dump(),
         bytes);
  return t;
}

}  // namespace

size_t st_dtype_size(StDtype d) {
  for (const auto& e : kDtypes)
    if (e.dtype == d) return e.size;
  return 0;
}

const char* st_dtype_name(StDtype d) {
  for (const auto& e : kDtypes)
    if (e.dtype == d) return e.name;
  return "?";
}

StHeader parse_safetensors_header(std::span<const uint8_t> bytes, const std::string& where) {
  if (bytes.size() < 8) fail("{}: {} bytes is too short for a safetensors file. HINT: the file is truncated", where, bytes.size());
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
  if (n == 0 || n > kMaxHeaderBytes || n > bytes.size() - 8)
    fail("{}: header length {} is invalid for a file of {} bytes. HINT: the file is truncated or not safetensors", where,
         n, bytes.size());
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + 8), n);
  check_json_depth(text, where);
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) fail("{}: safetensors header is not a JSON object. HINT: the file is corrupt", where);
  StHeader h;
  h.data_start = 8 + n;
  const uint64_t data_size = bytes.size() - h.data_start;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) fail("{}: __metadata__ must be an object of strings", where);
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) fail("{}: __metadata__ value '{}' is not a string", where, m.key());
        h.metadata[m.key()] = m->get<std::string>();
      }
      continue;
    }
    h.tensors.push_back(parse_entry(it.key(), *it, data_size, where));
  }
  std::sort(h.tensors.begin(), h.tensors.end(), [](const auto& a, const auto& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  for (size_t i = 1; i < h.tensors.size(); ++i) {
    const auto& prev = h.tensors[i - 1];
    const auto& cur = h.tensors[i];
    if (cur.begin < prev.end && cur.end > cur.begin)
      fail("{}: tensors '{}' and '{}' overlap (bytes [{}, {}) and [{}, {})). HINT: the file is corrupt", where,
           prev.name, cur.name, prev.begin, prev.end, cur.begin, cur.end);
  }
  return h;
}

struct SafetensorsFile::Mapping {
  void* addr = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (addr != nullptr) munmap(addr, size);
  }
};

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path), map_(std::make_shared<Mapping>()) {
  const std::string where = path.string();
  const int fd = ::open(where.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("{}: cannot open ({}). HINT: check the checkpoint path", where, std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail("{}: not a regular file", where);
  }
  map_->size = static_cast<size_t>(st.st_size);
  if (map_->size >= 8) {
    // MAP_PRIVATE + PROT_WRITE: views can be handed to code that writes in place; pages are copied on write.
    void* addr = mmap(nullptr, map_->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) {
      ::close(fd);
      fail("{}: mmap failed ({})", where, std::strerror(errno));
    }
    map_->addr = addr;
  }
  ::close(fd);
  const std::span<const uint8_t> bytes(static_cast<const uint8_t*>(map_->addr), map_->addr ? map_->size : 0);
  header_ = parse_safetensors_header(bytes, where);
  for (size_t i = 0; i < header_.tensors.size(); ++i) index_[header_.tensors[i].name] = i;
}

const StTensorInfo* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

namespace {
at::ScalarType torch_dtype(StDtype d) {
  switch (d) {
    case StDtype::F64: return at::kDouble;
    case StDtype::F32: return at::kFloat;
    case StDtype::F16: return at::kHalf;
    case StDtype::BF16: return at::kBFloat16;
    case StDtype::I64: return at::kLong;
    case StDtype::I32: return at::kInt;
    case StDtype::I16: return at::kShort;
    case StDtype::I8: return at::kChar;
    case StDtype::U8: return at::kByte;
    case StDtype::BOOL: return at::kBool;
  }
  return at::kFloat;
}
}  // namespace

at::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const StTensorInfo* t = find(name);
  if (t == nullptr) fail("{}: no tensor named '{}'", path_.string(), name);
  auto* ptr = static_cast<uint8_t*>(map_->addr) + header_.data_start + t->begin;
  const auto options = torch::TensorOptions().dtype(torch_dtype(t->dtype));
  if (reinterpret_cast<uintptr_t>(ptr) % st_dtype_size(t->dtype) != 0) {
    auto copy = torch::empty(t->shape, options);
    std::memcpy(copy.data_ptr(), ptr, t->end - t->begin);
    return copy;
  }
  auto keep = map_;
  return torch::from_blob(ptr, t->shape, [keep](void*) {}, options);
}

}  // namespace grpo
