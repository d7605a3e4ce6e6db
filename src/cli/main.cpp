// The `grpo` binary: a thin frontend over the library, one subcommand per file (cmd_*.cpp).
// Each subcommand registers itself through a function listed in kCommands below.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "src/cli/commands.h"
#include "src/tensor/kernel_profile.h"
#include "src/util/error.h"

int main(int argc, char** argv) {
  CLI::App app{"grpo.cpp: GRPO post-training of language models (DeepSeek-R1-Zero style), one native binary"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", grpo::version_text());
  for (const auto& add : grpo::cli_commands()) add(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (app.get_subcommands().empty()) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  try {
    const auto profile = grpo::KernelProfile::from_env();
    return grpo::run_selected_command(app);
  } catch (const grpo::Error& e) {
    std::fprintf(stderr, "grpo: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "grpo: internal error: %s\n", e.what());
    return 2;
  }
}
