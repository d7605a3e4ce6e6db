// The table-and-text sections of the report page: eval table, sample completions (with reflection
// phrases highlighted and long texts collapsed). HTML fragments out; html_report.cpp assembles them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/report/html_report.h"
#include "src/report/run_data.h"

namespace grpo {

// Up to `count` of the sorted distinct `steps`: always the first and the last, the rest evenly
// spaced by index: i*(n-1)/(count-1) rounded half up, i = 0..count-1.
std::vector<int64_t> pick_sample_steps(const std::vector<int64_t>& steps, int count);

// Up to `count` indices into `rewards`: the highest (first of ties), then the lowest (first of
// ties, when it is another sample), then the rest in order. NaN rewards are never highest/lowest.
std::vector<size_t> pick_samples(const std::vector<double>& rewards, int count);

// Escaped completion text with reflection phrases in <mark>; longer than collapse_chars bytes ->
// the head (cut at a line break in the second half of the limit when there is one, never inside a
// UTF-8 character or a phrase) then the rest inside <details>.
std::string completion_html(std::string_view text, size_t collapse_chars);

std::string eval_section(const std::vector<EvalRecord>& evals);
std::string samples_section(const std::vector<SampleRecord>& samples, const ReportOptions& opts);

}  // namespace grpo
