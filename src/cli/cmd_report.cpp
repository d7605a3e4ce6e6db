// `grpo report --run DIR [--output FILE]`: writes a self-contained HTML report of a training run
// (charts, eval table, samples, reflection curve) to DIR/report.html by default. Reads only the
// run directory (src/report/run_data.h); never touches the model or the network.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "src/cli/commands.h"
#include "src/report/html_report.h"
#include "src/report/run_data.h"
#include "src/util/error.h"
#include "src/util/fs.h"

namespace grpo {
namespace {

struct ReportArgs {
  std::string run, output;
  ReportOptions opts;
};

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

int run_report(ReportArgs a) {
  if (!(a.opts.smoothing >= 0 && a.opts.smoothing < 1))
    fail("--smoothing {}: must be in [0, 1). HINT: 0 draws raw values only, 0.6 is TensorBoard's default", a.opts.smoothing);
  const RunData run = read_run(a.run);
  a.opts.generated_at = utc_now();
  const std::string output = a.output.empty() ? a.run + "/report.html" : a.output;
  write_file_atomic(output, render_report(run, a.opts));
  std::printf("%s\n", output.c_str());
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand("report", "Write a self-contained HTML report (charts, evals, samples) of a run directory");
  sub->add_option("--run", args->run, "run directory (the trainer's output_dir)")->required();
  sub->add_option("--output", args->output, "HTML file to write (default: RUN/report.html)");
  sub->add_option("--smoothing", args->opts.smoothing, "EMA weight of the smoothed lines, 0 <= w < 1")->capture_default_str();
  sub->add_option("--sample-steps", args->opts.sample_steps, "dumped steps whose completions are shown")->capture_default_str();
  sub->add_option("--samples-per-step", args->opts.samples_per_step, "completions shown per step")->capture_default_str();
  set_command_action(sub, [args] { return run_report(*args); });
}

}  // namespace grpo
