// The sampler's oracle, shared by the CPU chain's tests and the CUDA kernels' tests: the exact truncated
// softmax written from the definitions, a chi-square test of kDraws draws of one row against it, and the
// top-k / top-p kept set of a long row in double precision.
#pragma once
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "rollout/gumbel_noise.h"
#include "rollout/sampler.h"

namespace grpo {

constexpr int64_t kDraws = 20000;

// Chi-square critical values at significance 0.001 for df = 1..7 (standard table).
constexpr double kChi2Crit001[] = {0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322};

// The oracle, written from the definitions (HF warper order: temperature, top-k, top-p, min-p):
//   q = softmax(l / T); keep the k largest; renormalise; keep tokens (descending) while the mass of the
//   strictly larger values is < top_p (equal values stand or fall together); keep q_i >= min_p * max q;
//   renormalise.
inline std::vector<double> truncated_softmax(const std::vector<double>& logits, double T, int64_t k, double top_p, double min_p) {
  const size_t V = logits.size();
  std::vector<double> q(V);
  const double m = *std::max_element(logits.begin(), logits.end());
  for (size_t i = 0; i < V; ++i) q[i] = std::exp((logits[i] - m) / T);
  std::vector<size_t> order(V);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return q[a] > q[b]; });
  std::vector<bool> keep(V, true);
  if (k > 0)
    for (size_t r = static_cast<size_t>(k); r < V; ++r) keep[order[r]] = false;
  double z = 0;
  for (size_t i = 0; i < V; ++i) z += keep[i] ? q[i] : 0;
  double before = 0, before_run = 0;   // mass before this token, and before the first token of its value
  for (size_t r = 0; r < V; ++r) {
    const size_t i = order[r];
    if (!keep[i]) continue;
    if (r == 0 || q[i] != q[order[r - 1]]) before_run = before;
    if (r > 0 && before_run >= top_p) keep[i] = false;
    before += q[i] / z;
  }
  const double qmax = q[order[0]];
  for (size_t i = 0; i < V; ++i)
    if (q[i] < min_p * qmax) keep[i] = false;
  double total = 0;
  for (size_t i = 0; i < V; ++i) total += keep[i] ? q[i] : 0;
  std::vector<double> p(V);
  for (size_t i = 0; i < V; ++i) p[i] = keep[i] ? q[i] / total : 0;
  return p;
}

// kDraws rows of the same logits on `device`; row i is sequence (prompt i / 50, sample 0) drawing its (i % 50)-th
// token, so the draws exercise both the key and the step of the noise.
inline std::vector<int64_t> draw_counts(const std::vector<double>& logits, const SamplingParams& params,
                                        const c10::Device& device = c10::Device(c10::kCPU)) {
  const auto V = static_cast<int64_t>(logits.size());
  const auto row = torch::tensor(logits, torch::kDouble).to(torch::kFloat);
  const auto batch = row.unsqueeze(0).expand({kDraws, V}).contiguous();
  std::vector<const SamplingParams*> ps(kDraws, &params);
  std::vector<NoiseKey> keys;
  std::vector<int64_t> steps;
  for (int64_t i = 0; i < kDraws; ++i) {
    keys.push_back(sequence_noise_key(params.seed, i / 50, 0));
    steps.push_back(i % 50);
  }
  const auto drawn = sample_tokens(batch.to(device), make_sampler_rows(ps, keys, steps, V, device));
  std::vector<int64_t> counts(V, 0);
  const auto t = drawn.tokens.cpu().contiguous();
  for (int64_t i = 0; i < kDraws; ++i) ++counts[t[i].item<int64_t>()];
  return counts;
}

inline void expect_distribution(const std::vector<int64_t>& counts, const std::vector<double>& p) {
  double chi2 = 0;
  int df = -1;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == 0) {
      EXPECT_EQ(counts[i], 0) << "token " << i << " is outside the truncated support but was drawn";
      continue;
    }
    const double e = p[i] * kDraws;
    ASSERT_GE(e, 5) << "test design: expected count too small for chi-square";
    chi2 += (counts[i] - e) * (counts[i] - e) / e;
    ++df;
  }
  ASSERT_GE(df, 1);
  EXPECT_LT(chi2, kChi2Crit001[df]) << "chi-square " << chi2 << " with " << df << " degrees of freedom";
}

// The kept set of one row of z from the definition, in double: keep z >= the k-th largest z; over those,
// with w = exp(z - max z), keep a value while the weight of the larger values is < top_p · Σ w. margin is
// the smallest |weight above a value - top_p · Σ w| / Σ w: how far the row is from a rounding-level tie.
struct KeptSet {
  std::vector<bool> keep;
  double margin = std::numeric_limits<double>::infinity();
};

inline KeptSet oracle_kept_set(const float* z, int64_t V, int64_t top_k, double top_p) {
  std::vector<int64_t> order(static_cast<size_t>(V));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return z[a] > z[b]; });
  const double kth = top_k > 0 && top_k < V ? z[order[static_cast<size_t>(top_k - 1)]] : -INFINITY;
  KeptSet out;
  out.keep.assign(static_cast<size_t>(V), false);
  for (int64_t v = 0; v < V; ++v) out.keep[static_cast<size_t>(v)] = z[v] >= kth;
  if (top_p >= 1.0) return out;
  const double m = z[order[0]];
  double total = 0;
  for (int64_t v = 0; v < V; ++v) total += out.keep[static_cast<size_t>(v)] ? std::exp(z[v] - m) : 0.0;
  double above = 0;
  for (size_t r = 0; r < order.size();) {   // one run of equal values at a time
    size_t end = r;
    double run = 0;
    for (; end < order.size() && z[order[end]] == z[order[r]]; ++end)
      run += out.keep[static_cast<size_t>(order[end])] ? std::exp(z[order[end]] - m) : 0.0;
    const bool kept = r == 0 || above < top_p * total;
    if (r > 0 && run > 0) out.margin = std::min(out.margin, std::abs(above - top_p * total) / total);
    for (size_t i = r; i < end; ++i) out.keep[static_cast<size_t>(order[i])] = out.keep[static_cast<size_t>(order[i])] && kept;
    above += run;
    r = end;
  }
  return out;
}

}  // namespace grpo
