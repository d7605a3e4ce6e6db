// Line charts as inline SVG strings for the HTML report: series over steps -> one <svg> element with
// nice axis ticks, a light raw line, an EMA-smoothed line, an optional shaded min/max band and a
// legend. Pure function (no I/O, no JavaScript); called by html_report.cpp. Output is well-formed XML.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace grpo {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;              // same length; points with a non-finite x or y are skipped
  std::vector<double> band_lo, band_hi;  // empty, or the same length as x: a shaded band (e.g. min/max)
};

struct ChartOptions {
  std::string title;
  std::string x_label = "step";
  int width = 600, height = 250;
  double smoothing = 0.6;   // EMA weight w (chart_math.h ema()); 0 draws the raw line only. A series of
                            // n > max_points points uses w^(max_points/n): the same smoothing per drawn point
  size_t max_points = 1000;  // per line, after smoothing (downsample_indices keeps min and max)
  bool integer_x = true;    // x are steps: never tick between integers
  bool compact = false;     // small multiple: fewer ticks, smaller text, no legend when one series
};

// Series with no finite point draw an empty frame that says "no data". One point is drawn as a dot.
std::string line_chart_svg(const std::vector<ChartSeries>& series, const ChartOptions& opts);

// The colour of series i (a fixed palette, cycled), as "#rrggbb".
const char* series_color(size_t i);

}  // namespace grpo
