// Starting a child process: argv[0] is a path (no PATH search), the environment is inherited. Used by
// `grpo pipeline` to run each stage as the same binary, and by the tests that kill runs mid-way.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace grpo {

// Starts `args` and returns its pid without waiting; own_process_group puts the child (and so its own
// children) in a new process group, which a test can kill as a whole. grpo::Error when it cannot start.
pid_t spawn_process(const std::vector<std::string>& args, bool own_process_group = false);

}  // namespace grpo
