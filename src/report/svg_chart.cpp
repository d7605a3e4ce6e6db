// Inline-SVG line charts (see svg_chart.h). Layout: title row, legend rows, plot area with y ticks
// on the left and x ticks below. Coordinates are rounded to 0.1 px to keep pages small.
#include "src/report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "src/report/chart_math.h"
#include "src/report/html_escape.h"

namespace grpo {
namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                    "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

// One series after cleaning: finite points only, smoothed, then raw and smoothed lines downsampled
// separately (each keeps its own extremes; sampling the EMA at the raw extremes would make it jagged).
struct Prepared {
  std::vector<double> x, y, lo, hi, sx, sy;
  double last = std::numeric_limits<double>::quiet_NaN();
};

Prepared prepare(const ChartSeries& s, const ChartOptions& o) {
  const bool band = !s.band_lo.empty() && s.band_lo.size() == s.x.size() && s.band_hi.size() == s.x.size();
  std::vector<double> x, y, lo, hi;
  for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
    x.push_back(s.x[i]);
    y.push_back(s.y[i]);
    if (band) {  // a missing band value collapses the band onto the line at that point
      lo.push_back(std::isfinite(s.band_lo[i]) ? s.band_lo[i] : s.y[i]);
      hi.push_back(std::isfinite(s.band_hi[i]) ? s.band_hi[i] : s.y[i]);
    }
  }
  Prepared p;
  if (!y.empty()) p.last = y.back();
  const size_t max_points = std::max<size_t>(o.max_points, 4);
  for (size_t i : downsample_indices(y, max_points)) {
    p.x.push_back(x[i]);
    p.y.push_back(y[i]);
    if (band) p.lo.push_back(lo[i]), p.hi.push_back(hi[i]);
  }
  if (o.smoothing > 0) {
    const std::vector<double> smooth = ema(y, effective_weight(o.smoothing, y.size(), max_points));
    for (size_t i : downsample_indices(smooth, max_points)) p.sx.push_back(x[i]), p.sy.push_back(smooth[i]);
  }
  return p;
}

struct Frame {
  double left, top, width, height;
  AxisScale xs, ys;
  double px(double x) const { return left + (x - xs.lo) / (xs.hi - xs.lo) * width; }
  double py(double y) const { return top + height - (y - ys.lo) / (ys.hi - ys.lo) * height; }
};

AxisScale x_axis(double lo, double hi, int target, bool integer) {
  if (integer && hi - lo < target) {  // a handful of steps: a window of `target` steps around them
    const double mid = (lo + hi) / 2, data_lo = lo;
    lo = mid - target / 2.0;
    hi = mid + target / 2.0;
    if (data_lo >= 0 && lo < 0) hi -= lo, lo = 0;
  }
  return nice_axis(lo, hi, target);
}

std::string path_of(const Frame& f, const std::vector<double>& x, const std::vector<double>& y) {
  std::string d;
  for (size_t i = 0; i < x.size(); ++i) d += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "M" : " L", f.px(x[i]), f.py(y[i]));
  return d;
}

std::string band_of(const Frame& f, const Prepared& p) {
  std::string pts;
  for (size_t i = 0; i < p.x.size(); ++i) pts += fmt::format("{:.1f},{:.1f} ", f.px(p.x[i]), f.py(p.hi[i]));
  for (size_t i = p.x.size(); i-- > 0;) pts += fmt::format("{:.1f},{:.1f} ", f.px(p.x[i]), f.py(p.lo[i]));
  return pts;
}

// Legend entries laid out in rows that fit the width; returns the SVG and the height used.
std::string legend(const std::vector<ChartSeries>& series, const std::vector<Prepared>& prep, double width,
                   double top, double font, double* used) {
  std::string out;
  double x = 8, y = top;
  const double char_w = font * 0.6;
  for (size_t i = 0; i < series.size(); ++i) {
    const std::string label = series[i].name + (std::isfinite(prep[i].last) ? " (last " + format_number(prep[i].last) + ")" : " (no data)");
    const double w = 14 + char_w * static_cast<double>(label.size()) + 12;
    if (x + w > width && x > 8) x = 8, y += font + 5;
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"3\" fill=\"{}\"/>", x, y - font / 3, series_color(i));
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"lg\">{}</text>", x + 14, y, html_escape(label));
    x += w;
  }
  *used = y - top + font + 6;
  return out;
}

}  // namespace

const char* series_color(size_t i) { return kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))]; }

std::string line_chart_svg(const std::vector<ChartSeries>& series, const ChartOptions& o) {
  const double font = o.compact ? 10 : 11, W = o.width, H = o.height;
  std::vector<Prepared> prep;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (const ChartSeries& s : series) {
    prep.push_back(prepare(s, o));
    const Prepared& p = prep.back();
    for (size_t i = 0; i < p.x.size(); ++i) {
      xlo = std::min(xlo, p.x[i]), xhi = std::max(xhi, p.x[i]);
      ylo = std::min(ylo, p.y[i]), yhi = std::max(yhi, p.y[i]);
      if (!p.lo.empty()) ylo = std::min(ylo, p.lo[i]), yhi = std::max(yhi, p.hi[i]);
    }
  }
  std::string svg = fmt::format(
      "<svg class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"{2}\">"
      "<title>{2}</title><text x=\"8\" y=\"{3}\" class=\"ct\">{2}</text>",
      o.width, o.height, html_escape(o.title), font + 5);
  double legend_h = 0;
  if (series.size() > 1 || !o.compact) svg += legend(series, prep, W, 2 * font + 12, font, &legend_h);
  Frame f;
  f.left = o.compact ? 44 : 56;
  f.top = font + 14 + legend_h;
  f.width = W - f.left - 14;
  f.height = H - f.top - (o.compact ? 26 : 34);
  if (!std::isfinite(xlo)) {
    svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"frame\"/>", f.left, f.top, f.width, f.height);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"nodata\">no data</text></svg>", f.left + f.width / 2, f.top + f.height / 2);
    return svg;
  }
  f.xs = x_axis(xlo, xhi, o.compact ? 5 : 6, o.integer_x);
  f.ys = nice_axis(ylo, yhi, o.compact ? 4 : 5);
  svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"frame\"/>", f.left, f.top, f.width, f.height);
  for (double t : f.ys.ticks) {
    svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" class=\"grid\"/>", f.left, f.left + f.width, f.py(t));
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"yt\">{}</text>", f.left - 4, f.py(t) + font / 3, format_tick(t, f.ys.step));
  }
  for (double t : f.xs.ticks) {
    svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" class=\"grid\"/>", f.px(t), f.top, f.top + f.height);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"xt\">{}</text>", f.px(t), f.top + f.height + font + 3, format_tick(t, f.xs.step));
  }
  if (!o.compact && !o.x_label.empty())
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"xl\">{}</text>", f.left + f.width / 2, H - 4, html_escape(o.x_label));
  for (size_t i = 0; i < prep.size(); ++i) {
    const Prepared& p = prep[i];
    const char* c = series_color(i);
    if (p.x.empty()) continue;
    if (!p.lo.empty()) svg += fmt::format("<polygon points=\"{}\" fill=\"{}\" class=\"band\"/>", band_of(f, p), c);
    if (p.x.size() == 1) {
      svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>", f.px(p.x[0]), f.py(p.y[0]), c);
      continue;
    }
    const bool smoothed = !p.sx.empty();
    svg += fmt::format("<path d=\"{}\" stroke=\"{}\" class=\"{}\"/>", path_of(f, p.x, p.y), c, smoothed ? "raw" : "line");
    if (smoothed) svg += fmt::format("<path d=\"{}\" stroke=\"{}\" class=\"line\"/>", path_of(f, p.sx, p.sy), c);
  }
  return svg + "</svg>";
}

}  // namespace grpo
