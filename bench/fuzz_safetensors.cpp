// Fuzz target for the safetensors header parser (src/model/safetensors.cpp): any input must either
// parse into tensors whose byte ranges lie inside the input, or throw grpo::Error. Anything else (a
// crash, another exception type, an out-of-range tensor) aborts. Without libFuzzer, main() replays files.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "src/model/safetensors.h"
#include "src/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto h = grpo::parse_safetensors_header(std::span<const uint8_t>(data, size), "fuzz");
    uint64_t checksum = 0;
    for (const auto& t : h.tensors) {
      if (h.data_start + t.end > size) std::abort();  // the parser promised in-range offsets
      for (uint64_t i = t.begin; i < t.end; i += 4096) checksum += data[h.data_start + i];
    }
    volatile uint64_t sink = checksum;
    (void)sink;
  } catch (const grpo::Error&) {
  }
  return 0;
}

#ifndef GRPO_LIBFUZZER
int main(int argc, char** argv) {
  int runs = 0;
  const auto replay = [&](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    ++runs;
  };
  for (int i = 1; i < argc; ++i) {
    if (std::filesystem::is_directory(argv[i])) {
      for (const auto& e : std::filesystem::directory_iterator(argv[i]))
        if (e.is_regular_file()) replay(e.path());
    } else {
      replay(argv[i]);
    }
  }
  std::printf("fuzz_safetensors: %d input(s) replayed without a crash\n", runs);
  return 0;
}
#endif
