// File-system helpers that a training run relies on: atomic writes (temp file, fsync, rename) so a
// crash never leaves a half-written file, and recursive removal.
// Why remove_tree and not std::filesystem::remove_all: the torch wheel's libtorch*.so export their
// own copy of std::filesystem whose remove_all and recursive_directory_iterator call weak symbols
// that an older system libstdc++ lacks (a null call). tests/layout_check.py bans both in our code.
#pragma once
#include <string>
#include <string_view>

namespace grpo {

// Removes a file or a directory tree; a missing path is not an error. Throws grpo::Error otherwise.
void remove_tree(const std::string& path);

// Writes `bytes` to `path` atomically: `path.tmp.<pid>` is written and fsynced, then renamed over.
void write_file_atomic(const std::string& path, std::string_view bytes);

// Reads a whole file; throws grpo::Error naming the path.
std::string read_file(const std::string& path);

// fsyncs a directory so that a rename inside it is durable.
void sync_directory(const std::string& path);

}  // namespace grpo
