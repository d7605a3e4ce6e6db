// Numerics behind the report's charts: "nice" axis ticks, the EMA smoothing line and min/max
// downsampling of long series. Pure functions on plain vectors; called by svg_chart.cpp. No I/O.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace grpo {

// An axis domain widened to round numbers, with its tick positions.
struct AxisScale {
  double lo = 0, hi = 1, step = 1;
  std::vector<double> ticks;  // lo, lo + step, ..., hi (each computed as lo + i*step)
};

// Ticks at multiples of 1, 2, 5 or 10 x 10^e: step is the smallest such number >= (hi - lo) / target,
// the domain is [floor(lo/step)*step, ceil(hi/step)*step]. lo == hi is widened around the value
// first (by 10% of |value|, or 1 for 0). Requires finite lo <= hi and target >= 1.
AxisScale nice_axis(double lo, double hi, int target);

// Short tick label for an axis with the given step: SI suffix k when the step is >= 10^3, M from
// 10^5, G from 10^8 (step 5000: 15000 -> "15k"; step 500000: 1500000 -> "1.5M"), fixed decimals matching the step otherwise (step 0.2: "0.4"), and
// %g style with the significant digits down to the step's decade when the step is below 10^-3
// (step 1e-5: 2e-5 -> "2e-05"; step 5e-5: 0.00105 -> "0.00105").
std::string format_tick(double value, double step);

// A compact general number for tables and summaries: up to 4 significant digits ("0.3125", "1.235e+06").
std::string format_number(double value);

// TensorBoard-style debiased EMA with weight w in [0, 1):
//   m_i = w*m_{i-1} + (1-w)*y_i, m_0 = 0;  s_i = m_i / (1 - w^i)   (i = 1..n)
// so s_1 = y_1 and a constant series stays constant. w = 0 returns the input.
std::vector<double> ema(const std::vector<double>& y, double w);

// The EMA weight for a series of n points drawn with at most max_points: w^(max_points/n) when
// n > max_points, so the smoothing per drawn point matches what w gives at max_points points
// (0.6 over 200k steps -> 0.9974, a time constant of ~400 steps); w otherwise.
double effective_weight(double w, size_t n, size_t max_points);

// Indices (ascending) of at most max_points points that keep the shape of y: the first and the last
// point, and for each of (max_points-2)/2 equal buckets of the interior the index of its minimum
// and of its maximum (spikes survive). n <= max_points returns every index. max_points >= 4.
std::vector<size_t> downsample_indices(const std::vector<double>& y, size_t max_points);

}  // namespace grpo
