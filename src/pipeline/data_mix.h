// Mixing JSONL datasets by weight (R1 stage 3: ~600k reasoning samples from rejection sampling with
// ~200k general SFT samples, i.e. weights 3:1). Rows are copied verbatim. Torch-free.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "src/pipeline/pipeline_config.h"

namespace grpo {

struct MixReport {
  std::vector<int64_t> rows_in, rows_out;  // per source
};

// Writes `size` rows (0 = the sources' total) to `output`: source i contributes
// round(size * w_i / sum w) rows — each row once before any repeats (a seeded shuffle, repeated as
// needed) — and the result is shuffled with `seed`. Empty sources are errors naming the file.
MixReport mix_datasets(const std::vector<MixSource>& sources, int64_t size, uint64_t seed, const std::string& output);

}  // namespace grpo
