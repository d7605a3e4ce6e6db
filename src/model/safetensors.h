// Safetensors reader (format: huggingface/safetensors README): 8-byte little-endian header length N,
// N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then data.
// Everything in the header is validated against the file size before any tensor byte is touched, so a
// crafted file yields grpo::Error, never a crash or an out-of-bounds read. Files are memory-mapped
// (MAP_PRIVATE): tensors are zero-copy views whose storage keeps the mapping alive.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace grpo {

enum class StDtype { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

struct StTensorInfo {
  std::string name;
  StDtype dtype = StDtype::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range relative to the start of the data section
};

struct StHeader {
  std::vector<StTensorInfo> tensors;  // in data order
  std::map<std::string, std::string> metadata;
  uint64_t data_start = 0;  // 8 + N
};

size_t st_dtype_size(StDtype d);
const char* st_dtype_name(StDtype d);
// Validates and parses the header of the whole file `bytes` (`where` names it in messages).
StHeader parse_safetensors_header(std::span<const uint8_t> bytes, const std::string& where);

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::filesystem::path& path);  // mmap + parse_safetensors_header
  const std::filesystem::path& path() const { return path_; }
  const StHeader& header() const { return header_; }
  const StTensorInfo* find(const std::string& name) const;  // nullptr when absent
  // CPU tensor viewing the mapped bytes (copy-on-write; unaligned data is copied). Throws when absent.
  at::Tensor tensor(const std::string& name) const;

 private:
  struct Mapping;
  std::filesystem::path path_;
  std::shared_ptr<Mapping> map_;
  StHeader header_;
  std::map<std::string, size_t> index_;
};

// Writes tensors (any device; converted to contiguous CPU) in the given order, with metadata
// {"format": "pt"} plus `metadata`. Not atomic by itself: checkpoint saving writes into a temp dir.
void write_safetensors(const std::filesystem::path& path,
                       const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace grpo
