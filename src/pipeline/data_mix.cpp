#include "src/pipeline/data_mix.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "src/util/error.h"
#include "src/util/fs.h"
#include "src/util/jsonl.h"

namespace grpo {
namespace {

// Fisher–Yates with mt19937_64 written out, so the order is the same with every standard library.
template <class T>
void shuffle(std::vector<T>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng() % i]);
}

}  // namespace

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
  std::mt19937_64 rng(seed);
  MixReport report;
  std::vector<std::string> out;
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto want = static_cast<int64_t>(std::llround(static_cast<double>(target) * sources[i].weight / total_weight));
    std::vector<size_t> order(rows[i].size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    for (int64_t taken = 0; taken < want;) {
      shuffle(order, rng);
      for (size_t k = 0; k < order.size() && taken < want; ++k, ++taken) out.push_back(rows[i][order[k]]);
    }
    report.rows_in.push_back(static_cast<int64_t>(rows[i].size()));
    report.rows_out.push_back(want);
  }
  shuffle(out, rng);
  std::string text;
  for (const auto& line : out) text += line + "\n";
  write_file_atomic(output, text);
  return report;
}

}  // namespace grpo
