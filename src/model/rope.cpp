// RoPE frequencies (with linear and llama3 scaling) and their application.
#include "src/model/rope.h"

#include <torch/torch.h>

#include <cmath>

namespace grpo {

at::Tensor rope_inv_freq(const ModelConfig& c) {
  const int64_t d = c.head_dim;
  auto exponent = torch::arange(0, d, 2, torch::kLong).to(torch::kFloat) / static_cast<double>(d);
  auto inv = 1.0 / torch::pow(torch::scalar_tensor(c.rope_theta, torch::kFloat), exponent);
  const RopeScaling& s = c.rope_scaling;
  if (s.type == "linear") return inv / s.factor;
  if (s.type == "llama3") {
    // wavelen = 2π/f. wavelen > L/low: divide by factor; wavelen < L/high: keep; in between blend with
    // smooth = (L/wavelen − low)/(high − low): f' = (1 − smooth)·f/factor + smooth·f.
    const double L = static_cast<double>(s.original_max_position_embeddings);
    const double low_wavelen = L / s.low_freq_factor, high_wavelen = L / s.high_freq_factor;
    auto wavelen = 2 * M_PI / inv;
    auto scaled = torch::where(wavelen > low_wavelen, inv / s.factor, inv);
    auto smooth = (L / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
    auto blended = (1 - smooth) * scaled / s.factor + smooth * scaled;
    auto medium = (wavelen >= high_wavelen).logical_and(wavelen <= low_wavelen);
    return torch::where(medium, blended, scaled);
  }
  return inv;
}

RopeTables rope_tables(const at::Tensor& inv_freq, const at::Tensor& positions, c10::ScalarType dtype) {
  auto freqs = positions.to(torch::kFloat).unsqueeze(1) * inv_freq.to(positions.device()).unsqueeze(0);  // [T, D/2]
  auto emb = torch::cat({freqs, freqs}, -1).unsqueeze(1);                                                 // [T, 1, D]
  return RopeTables{emb.cos().to(dtype), emb.sin().to(dtype)};
}

at::Tensor apply_rope(const at::Tensor& x, const RopeTables& t) {
  const int64_t half = x.size(-1) / 2;
  auto rotated = torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * t.cos + rotated * t.sin;
}

}  // namespace grpo
