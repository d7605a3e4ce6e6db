// Hand-encoded TensorBoard events (see tensorboard.h). Protobuf wire format: a key is
// (field_number << 3 | wire_type); wire types used: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
#include "src/metrics/tensorboard.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "src/util/error.h"

namespace grpo {
namespace {

constexpr std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;  // reflected Castagnoli
    table[i] = c;
  }
  return table;
}
constexpr auto kCrcTable = make_crc_table();

// TFRecord's masking: rotate right by 15 and add a constant, so that CRCs of CRCs stay robust.
uint32_t masked_crc(std::string_view bytes) {
  const uint32_t crc = crc32c(bytes);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

template <class T>
void put_fixed(std::string& out, T v) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));  // little-endian host (x86-64, aarch64)
  out.append(bytes, sizeof(T));
}

void put_key(std::string& out, int field, int wire_type) { put_varint(out, static_cast<uint64_t>(field << 3 | wire_type)); }

void put_bytes(std::string& out, int field, std::string_view bytes) {
  put_key(out, field, 2);
  put_varint(out, bytes.size());
  out.append(bytes);
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
std::string event_header(int64_t step) {
  std::string event;
  put_key(event, 1, 1);
  put_fixed(event, now_seconds());
  put_key(event, 2, 0);
  put_varint(event, static_cast<uint64_t>(step));
  return event;
}

}  // namespace

uint32_t crc32c(std::string_view bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : bytes) crc = kCrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

TensorBoardWriter::TensorBoardWriter(const std::string& dir) {
  char host[256] = "localhost";
  ::gethostname(host, sizeof(host) - 1);
  path_ = dir + "/events.out.tfevents." + std::to_string(static_cast<int64_t>(now_seconds())) + "." + host + ".grpo";
  file_ = std::fopen(path_.c_str(), "ab");
  if (file_ == nullptr)
    fail("{}: cannot create TensorBoard event file: {}. HINT: check that the run directory exists", path_,
         std::strerror(errno));
  std::string event = event_header(0);
  put_bytes(event, 3, "brain.Event:2");
  write_record(event);
  flush();
}

TensorBoardWriter::~TensorBoardWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void TensorBoardWriter::add_scalar(std::string_view tag, float value, int64_t step) {
  std::string summary_value;  // Summary.Value { string tag = 1; float simple_value = 2; }
  put_bytes(summary_value, 1, tag);
  put_key(summary_value, 2, 5);
  put_fixed(summary_value, value);
  std::string summary;  // Summary { repeated Value value = 1; }
  put_bytes(summary, 1, summary_value);
  std::string event = event_header(step);
  put_bytes(event, 5, summary);
  write_record(event);
}

void TensorBoardWriter::write_record(const std::string& payload) {
  std::string header;
  put_fixed(header, static_cast<uint64_t>(payload.size()));
  std::string record = header;
  put_fixed(record, masked_crc(header));
  record += payload;
  put_fixed(record, masked_crc(payload));
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size())
    fail("{}: write failed: {}", path_, std::strerror(errno));
}

void TensorBoardWriter::flush() { std::fflush(file_); }

}  // namespace grpo
