// SVG line charts: well-formed XML (checked by Python's expat), single points, constant and
// non-finite series, downsampling of long series, escaping, empty charts.
#include "src/report/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "test_util.h"

namespace grpo {
namespace {

// Runs tests/src/report/check_xml.py on `xml`; returns its output ("root=svg\npath 2\n..."), "" on failure.
std::string xml_check(const std::string& xml) {
  test::TempDir dir;
  const auto file = dir.path() / "out.xml";
  std::ofstream(file) << xml;
  std::string out;
  const std::string script = (test::source_dir() / "tests/src/report/check_xml.py").string();
  const int rc = test::run_command(test::python() + " " + script + " " + file.string(), &out);
  EXPECT_EQ(rc, 0) << out;
  return rc == 0 ? out : "";
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) n++;
  return n;
}

TEST(SvgChart, WellFormedWithRawAndSmoothedLines) {
  ChartSeries a{"reward", {1, 2, 3, 4}, {0.1, 0.4, 0.3, 0.8}, {}, {}};
  ChartSeries b{"format <&>", {1, 2, 3, 4}, {1, 1, 0.5, 1}, {0, 0, 0, 0}, {2, 2, 1, 2}};
  ChartOptions o;
  o.title = "Reward \"R\" <1>";
  const std::string svg = line_chart_svg({a, b}, o);
  const std::string tags = xml_check(svg);
  EXPECT_NE(tags.find("root=svg"), std::string::npos) << tags;
  EXPECT_NE(tags.find("path 4"), std::string::npos) << tags;  // raw + EMA per series
  EXPECT_NE(tags.find("polygon 1"), std::string::npos) << tags;  // b's band
  EXPECT_NE(svg.find("Reward &quot;R&quot; &lt;1&gt;"), std::string::npos);
  EXPECT_NE(svg.find("format &lt;&amp;&gt; (last 1)"), std::string::npos);
  EXPECT_NE(svg.find("reward (last 0.8)"), std::string::npos);
}

TEST(SvgChart, XAxisSpansThePlotWidth) {
  // width 600, left margin 56, right margin 14 -> plot x from 56 to 586. Steps 0..10 with 6 target
  // ticks: 10/6 = 1.67 -> step 2, domain [0, 10], so step 0 sits at x=56.0 and step 10 at x=586.0.
  ChartOptions o;
  o.smoothing = 0;
  const std::string svg = line_chart_svg({{"y", {0, 10}, {0, 1}, {}, {}}}, o);
  EXPECT_NE(svg.find("d=\"M56.0,"), std::string::npos) << svg;
  EXPECT_NE(svg.find(" L586.0,"), std::string::npos) << svg;
  EXPECT_EQ(count(svg, "<path"), 1u);  // smoothing 0: no EMA line
}

TEST(SvgChart, SinglePointConstantAndMissing) {
  ChartOptions o;
  std::string svg = line_chart_svg({{"loss", {7}, {2.5}, {}, {}}}, o);
  EXPECT_EQ(count(svg, "<circle"), 1u);
  EXPECT_EQ(count(svg, "<path"), 0u);
  xml_check(svg);
  // Constant 0.5 -> y axis [0.44, 0.56] in steps of 0.02 (see ChartMath.NiceAxisWidensConstantSeries).
  svg = line_chart_svg({{"acc", {1, 2, 3}, {0.5, 0.5, 0.5}, {}, {}}}, o);
  EXPECT_NE(svg.find(">0.44<"), std::string::npos);
  EXPECT_NE(svg.find(">0.56<"), std::string::npos);
  // NaN / inf points are skipped: 2 finite points -> "M.. L.." with exactly one L per path.
  svg = line_chart_svg({{"kl", {1, 2, 3, 4}, {1, NAN, INFINITY, 3}, {}, {}}}, o);
  EXPECT_EQ(count(svg, " L"), 2u);  // raw and EMA
  svg = line_chart_svg({{"kl", {}, {}, {}, {}}}, o);
  EXPECT_NE(svg.find("no data"), std::string::npos);
  xml_check(svg);
}

TEST(SvgChart, LongSeriesAreDownsampled) {
  ChartSeries s{"reward", {}, {}, {}, {}};
  for (int i = 0; i < 200000; ++i) s.x.push_back(i), s.y.push_back(std::sin(i * 0.001));
  ChartOptions o;
  o.max_points = 1000;
  const std::string svg = line_chart_svg({s}, o);
  // Two paths of at most 1000 points: at most 2 * 999 " L" segments.
  EXPECT_LE(count(svg, " L"), 2u * 999u);
  EXPECT_GE(count(svg, " L"), 2u * 900u);
  EXPECT_NE(svg.find(">200k<"), std::string::npos);  // x ticks in k
  EXPECT_LT(svg.size(), 100000u);
}

}  // namespace
}  // namespace grpo
