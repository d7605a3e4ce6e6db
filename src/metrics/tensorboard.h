// TensorBoard event-file writer for scalar metrics, with no TensorFlow or protobuf dependency:
// the two protobuf messages involved (Event, Summary.Value) are encoded by hand and framed as
// TFRecords (length, masked CRC-32C of the length, payload, masked CRC-32C of the payload).
// Torch-free. One writer per run directory; not thread-safe (the trainer logs from one thread).
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace grpo {

class TensorBoardWriter {
 public:
  // Creates <dir>/events.out.tfevents.<unix seconds>.<host>.grpo and writes the version event.
  explicit TensorBoardWriter(const std::string& dir);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  void add_scalar(std::string_view tag, float value, int64_t step);
  void flush();
  const std::string& path() const { return path_; }

 private:
  void write_record(const std::string& payload);
  std::string path_;
  std::FILE* file_ = nullptr;
};

// CRC-32C (Castagnoli), as TFRecord framing uses it; exposed for tests.
uint32_t crc32c(std::string_view bytes);

}  // namespace grpo
