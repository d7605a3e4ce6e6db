// The list of subcommands of the `grpo` binary. Each cmd_NAME.cpp defines one `add_NAME_command`
// that adds its CLI11 subcommand and sets its callback into the run slot.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace grpo {

using AddCommand = void (*)(CLI::App& app);
const std::vector<AddCommand>& cli_commands();

// Subcommands store their action here (CLI11 callbacks cannot return an exit code).
void set_command_action(CLI::App* sub, std::function<int()> action);
int run_selected_command(CLI::App& app);

std::string version_text();  // "grpo 0.1.0 (torch 2.11.0, CUDA: yes, 1 device)"

}  // namespace grpo
