// posix_spawn: no fork of a process that may hold GPU memory and many threads.
#include "src/util/process.h"

#include <spawn.h>

#include "src/util/error.h"

extern char** environ;

namespace grpo {

pid_t spawn_process(const std::vector<std::string>& args, bool own_process_group) {
  if (args.empty()) fail("spawn_process: no command given");
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (own_process_group) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (error != 0) fail("cannot start {}", args[0]);
  return pid;
}

}  // namespace grpo
