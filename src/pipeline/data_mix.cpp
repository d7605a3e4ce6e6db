// Weighted JSONL mixing (see data_mix.h).
#include "src/pipeline/data_mix.h"

#include <cmath>

#include "src/data/epoch_sampler.h"
#include "src/util/error.h"
#include "src/util/fs.h"
#include "src/util/jsonl.h"

namespace grpo {

MixReport mix_datasets(const std::vector<MixSource>& sources, int64_t size, uint64_t seed, const std::string& output) {
  std::vector<std::vector<std::string>> rows(sources.size());
  double total_weight = 0;
  int64_t total_rows = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    for_each_jsonl(sources[i].path, [&](const JsonlRow& r) { rows[i].push_back(r.value.dump()); });
    if (rows[i].empty()) fail("{}: no rows to mix. HINT: check the stage that writes it", sources[i].path);
    total_weight += sources[i].weight;
    total_rows += static_cast<int64_t>(rows[i].size());
  }
  const int64_t target = size > 0 ? size : total_rows;
  MixReport report;
  std::vector<std::string> out;
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto want = static_cast<int64_t>(std::llround(static_cast<double>(target) * sources[i].weight / total_weight));
    // The datasets' own seeded epoch order: every row once per pass, reshuffled each pass.
    EpochSampler sampler;
    for (size_t r : sampler.next(rows[i].size(), static_cast<size_t>(want), seed + i)) out.push_back(rows[i][r]);
    report.rows_in.push_back(static_cast<int64_t>(rows[i].size()));
    report.rows_out.push_back(want);
  }
  std::string text;
  for (size_t r : EpochSampler::epoch_order(out.size(), 0, seed)) text += out[r] + "\n";
  write_file_atomic(output, text);
  return report;
}

}  // namespace grpo
