// parallel_for: runs fn(i) for i in [0, n) on up to `threads` std::threads (0 = hardware
// concurrency). The first exception thrown by any fn is rethrown to the caller after all threads
// stop. Used for batch tokenization and reward scoring; fn must be thread-safe.
#pragma once
#include <cstddef>
#include <functional>

namespace grpo {

void parallel_for(size_t n, size_t threads, const std::function<void(size_t)>& fn);
size_t default_thread_count();

}  // namespace grpo
