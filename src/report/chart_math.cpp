// Axis ticks, EMA and downsampling for the report charts (see chart_math.h).
#include "src/report/chart_math.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "src/util/error.h"

namespace grpo {

AxisScale nice_axis(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi || target < 1)
    fail("nice_axis: bad range [{}, {}] or target {} (internal)", lo, hi, target);
  if (lo == hi) {
    const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double rough = (hi - lo) / target;
  const double e = std::floor(std::log10(rough));
  const double base = std::pow(10.0, e);
  const double f = rough / base;
  // 1.0000001 etc. from the division must not jump a whole size up.
  const double nf = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
  AxisScale s;
  s.step = nf * base;
  const double first = std::floor(lo / s.step + 1e-9), last = std::ceil(hi / s.step - 1e-9);
  s.lo = first * s.step;
  s.hi = last * s.step;
  for (double i = first; i <= last + 0.5; i += 1) s.ticks.push_back(i * s.step);
  return s;
}

std::string format_tick(double value, double step) {
  if (std::abs(value) < step * 1e-6) return "0";
  if (step >= 1e3) {  // the unit follows the step, so one axis never mixes "8000" and "10k"
    // M from a step of 0.1 M up (500k steps read 0.5M, 1.0M, 1.5M), G likewise.
    const char* suffix = step >= 1e8 ? "G" : step >= 1e5 ? "M" : "k";
    const double div = step >= 1e8 ? 1e9 : step >= 1e5 ? 1e6 : 1e3;
    const int dec = std::max(0, static_cast<int>(-std::floor(std::log10(step / div) + 1e-9)));
    return fmt::format("{:.{}f}{}", value / div, dec, suffix);
  }
  if (step < 1e-3) {  // significant digits down to the step's decade: 0.00105 at step 5e-5 -> 3
    const int digits = static_cast<int>(std::floor(std::log10(std::abs(value))) - std::floor(std::log10(step) + 1e-9)) + 1;
    return fmt::format("{:.{}g}", value, std::max(1, digits));
  }
  const int dec = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return fmt::format("{:.{}f}", value, dec);
}

std::string format_number(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : value > 0 ? "inf" : "-inf";
  return fmt::format("{:.4g}", value);
}

std::vector<double> ema(const std::vector<double>& y, double w) {
  if (!(w >= 0 && w < 1)) fail("ema: weight {} outside [0, 1). HINT: --smoothing takes 0 <= w < 1", w);
  std::vector<double> out(y.size());
  double m = 0, wi = 1;  // wi = w^i
  for (size_t i = 0; i < y.size(); ++i) {
    m = w * m + (1 - w) * y[i];
    wi *= w;
    out[i] = m / (1 - wi);
  }
  return out;
}

double effective_weight(double w, size_t n, size_t max_points) {
  return n > max_points && w > 0 ? std::pow(w, static_cast<double>(max_points) / static_cast<double>(n)) : w;
}

std::vector<size_t> downsample_indices(const std::vector<double>& y, size_t max_points) {
  if (max_points < 4) fail("downsample_indices: max_points {} < 4 (internal)", max_points);
  const size_t n = y.size();
  std::vector<size_t> keep;
  if (n <= max_points) {
    for (size_t i = 0; i < n; ++i) keep.push_back(i);
    return keep;
  }
  const size_t buckets = (max_points - 2) / 2, interior = n - 2;
  keep.push_back(0);
  for (size_t b = 0; b < buckets; ++b) {
    const size_t begin = 1 + b * interior / buckets, end = 1 + (b + 1) * interior / buckets;
    if (begin >= end) continue;
    size_t lo = begin, hi = begin;
    for (size_t i = begin; i < end; ++i) {
      if (y[i] < y[lo]) lo = i;
      if (y[i] > y[hi]) hi = i;
    }
    keep.push_back(std::min(lo, hi));
    if (lo != hi) keep.push_back(std::max(lo, hi));
  }
  keep.push_back(n - 1);
  return keep;
}

}  // namespace grpo
