// `grpo report`'s page: one self-contained HTML file (inline CSS and SVG, no JavaScript, no network,
// no web fonts) for a run directory: summary, config, training charts, all-metrics grid, reflection
// ("aha") curve, eval table and sample completions. Pure: RunData in, a string out (the page is also
// well-formed XML, which the tests check). Called by src/cli/cmd_report.cpp.
#pragma once
#include <cstddef>
#include <string>

#include "src/report/run_data.h"

namespace grpo {

struct ReportOptions {
  double smoothing = 0.6;          // EMA weight of the smoothed line (TensorBoard's default slider)
  size_t max_points = 1000;        // per series in a chart
  int sample_steps = 5;            // dumped steps shown: first, last and evenly spaced between
  int samples_per_step = 4;        // completions per shown step: highest and lowest reward first
  size_t collapse_chars = 800;     // longer completions are cut here, the rest behind <details>
  std::string generated_at;        // shown in the header; "" omits it (tests want stable output)
};

std::string render_report(const RunData& run, const ReportOptions& opts);

}  // namespace grpo
