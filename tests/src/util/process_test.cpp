// spawn_process: the child runs with the given argv (its exit status comes back through waitpid), a
// new process group when asked, and a clear error when the program cannot be started.
#include "src/util/process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

// Field 5 of /proc/PID/stat is the process group id (proc(5)); sh's $$ is its own pid.
constexpr const char* kIsGroupLeader = "test \"$(cut -d' ' -f5 /proc/$$/stat)\" = \"$$\"";

int wait_exit_status(pid_t pid) {
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SpawnProcess, RunsTheArgvAndReturnsItsPid) {
  EXPECT_EQ(wait_exit_status(spawn_process({"/bin/sh", "-c", "exit 3"})), 3);
}

TEST(SpawnProcess, OwnProcessGroupMakesTheChildItsLeader) {
  // The child exits 0 exactly when its process group id equals its pid.
  const pid_t pid = spawn_process({"/bin/sh", "-c", kIsGroupLeader}, true);
  EXPECT_EQ(wait_exit_status(pid), 0);
  const pid_t same = spawn_process({"/bin/sh", "-c", kIsGroupLeader});
  EXPECT_EQ(wait_exit_status(same), 1);
}

TEST(SpawnProcess, MissingProgramIsAnError) {
  EXPECT_NE(test::error_of([] { spawn_process({"/nonexistent/grpo-binary"}); }).find("cannot start /nonexistent/grpo-binary"),
            std::string::npos);
}

}  // namespace
}  // namespace grpo
