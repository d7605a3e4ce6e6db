// The one list of the binary's subcommands, and the slot that holds the chosen one's action.
#include <map>

#include "src/cli/commands.h"
#include "src/util/error.h"

namespace grpo {

void add_info_command(CLI::App& app);
void add_reward_command(CLI::App& app);
void add_init_model_command(CLI::App& app);
void add_logprobs_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_pipeline_command(CLI::App& app);
void add_sft_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_sample_command(CLI::App& app);

const std::vector<AddCommand>& cli_commands() {
  static const std::vector<AddCommand> commands = {
      add_info_command,
      add_reward_command,
      add_init_model_command,
      add_logprobs_command,
      add_tokenize_command,
      add_generate_command,
      add_train_command,
      add_pipeline_command,
      add_sft_command,
      add_report_command,
      add_eval_command,
      add_sample_command,
  };
  return commands;
}

namespace {
std::map<const CLI::App*, std::function<int()>>& actions() {
  static std::map<const CLI::App*, std::function<int()>> table;
  return table;
}
}  // namespace

void set_command_action(CLI::App* sub, std::function<int()> action) { actions()[sub] = std::move(action); }

int run_selected_command(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands()) {
    auto it = actions().find(sub);
    if (it != actions().end()) return it->second();
  }
  fail("no action registered for this subcommand (internal)");
}

}  // namespace grpo
