// Assembles the report page (see html_report.h): a table of contents of sections, each a call.
#include "src/report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "src/report/chart_math.h"
#include "src/report/html_escape.h"
#include "src/report/reflection.h"
#include "src/report/report_sections.h"
#include "src/report/svg_chart.h"

namespace grpo {
namespace {

// No '<' or '&' in here: the page must stay well-formed XML.
constexpr const char* kCss = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1300px;padding:12px 24px 40px;color:#222;background:#f7f7f8}
h1{font-size:22px;margin:8px 0 2px}h2{font-size:17px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:30px}h3{font-size:14px;margin:18px 0 4px}
.note{color:#666;font-size:13px}code{font-size:12.5px;background:#eee;padding:0 3px;border-radius:3px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}.card{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:8px 14px;min-width:110px}
.card .v{font-size:20px;font-weight:600}.card .k{font-size:12px;color:#666}
.charts{display:flex;flex-wrap:wrap;gap:12px}svg.chart{background:#fff;border:1px solid #e2e2e2;border-radius:6px}
svg text{font-size:11px;fill:#555}svg .ct{font-size:13px;font-weight:600;fill:#222}svg .lg{fill:#333}
.small svg text{font-size:10px}.small svg .ct{font-size:11px}
.yt{text-anchor:end}.xt,.xl,.nodata{text-anchor:middle}.nodata{fill:#999}
.grid{stroke:#eee;stroke-width:1}.frame{fill:none;stroke:#ccc}.raw{fill:none;stroke-width:1;opacity:.35}.line{fill:none;stroke-width:1.8}.band{opacity:.14;stroke:none}
table{border-collapse:collapse;background:#fff;font-size:13px}th,td{border:1px solid #ddd;padding:4px 10px;text-align:right}th{background:#f0f0f2}
th:first-child,td:first-child{text-align:left}tr.delta td{font-weight:600;background:#fafafa}
.pre{white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;line-height:1.4}
.sample{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:8px 12px;margin:8px 0}.meta{font-size:12.5px;color:#444;margin-bottom:4px}
.badge{font-size:11px;padding:1px 6px;border-radius:8px}.badge.hi{background:#d9f2dc}.badge.lo{background:#fbe0de}
details.prompt summary{font-size:12px;color:#666;cursor:pointer}details.prompt .pre{background:#f6f6f6;padding:4px;margin-bottom:6px}
details.long summary{cursor:pointer;list-style:none}details.long .more{color:#1f5fbf;font-family:system-ui,sans-serif;font-size:12px}
details.long[open] .more{display:none}mark{background:#ffe97a;padding:0 1px}
details.config pre{background:#fff;border:1px solid #e2e2e2;padding:8px;font-size:12px;overflow:auto}
)";

// Main charts: title -> metric. "Reward" and "Response length" are special cases below.
struct MainChart {
  const char* title;
  const char* metric;
};
constexpr MainChart kSingleCharts[] = {
    {"Accuracy", "accuracy"},
    {"Format rate", "format_rate"},
    {"KL divergence to the reference", "kl"},
    {"Entropy", "entropy"},
    {"Loss", "loss"},
};

ChartSeries series_of(const std::string& name, const MetricSeries& m) { return {name, m.steps, m.values, {}, {}}; }

ChartOptions chart_options(const std::string& title, const ReportOptions& o) {
  ChartOptions c;
  c.title = title;
  c.smoothing = o.smoothing;
  c.max_points = o.max_points;
  return c;
}

// The value of `name` at the largest step, or NaN.
double last_value(const RunMetrics& m, const std::string& name) {
  const MetricSeries* s = m.find(name);
  return s ? s->values.back() : NAN;
}

std::string card(const std::string& key, const std::string& value) {
  return fmt::format("<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>", value, key);
}

std::string header(const RunData& run, const ReportOptions& o) {
  const std::string name = std::filesystem::path(run.dir).filename().string();
  std::string out = fmt::format("<h1>Run report: {}</h1>\n<div class=\"note\">{}{}</div>\n<div class=\"cards\">",
                                html_escape(name.empty() ? run.dir : name), html_escape(run.dir),
                                o.generated_at.empty() ? "" : " &#183; generated " + html_escape(o.generated_at));
  const RunMetrics& m = run.metrics;
  if (m.rows > 0) out += card("steps logged", fmt::format("{}", m.rows)) + card("last step", fmt::format("{}", m.last_step));
  if (m.find("reward")) out += card("last reward", format_number(last_value(m, "reward")));
  if (const MetricSeries* acc = m.find("accuracy")) {
    const size_t best = static_cast<size_t>(std::max_element(acc->values.begin(), acc->values.end()) - acc->values.begin());
    out += card(fmt::format("best accuracy (step {})", acc->steps[best]), format_number(acc->values[best]));
    out += card("last accuracy", format_number(acc->values.back()));
  }
  if (m.find("loss")) out += card("last loss", format_number(last_value(m, "loss")));
  if (!run.samples.empty()) out += card("completions dumped", fmt::format("{}", run.samples.size()));
  if (!run.evals.empty()) out += card("eval files", fmt::format("{}", run.evals.size()));
  out += "</div>\n";
  if (!run.config_yaml.empty())
    out += "<details class=\"config\"><summary>config.yaml</summary><pre>" + html_escape(run.config_yaml) + "</pre></details>\n";
  else
    out += "<p class=\"note\">No config.yaml in this run directory.</p>\n";
  return out;
}

// Training charts; adds the metric names they drew to `used`.
std::string training_charts(const RunMetrics& m, const ReportOptions& o, std::set<std::string>& used) {
  std::string charts, absent;
  std::vector<ChartSeries> reward;
  if (const MetricSeries* s = m.find("reward")) reward.push_back(series_of("reward (total)", *s)), used.insert("reward");
  for (const std::string& name : m.names)  // rewards/<label>/mean, one line per reward function
    if (name.rfind("rewards/", 0) == 0 && name.size() > 13 && name.compare(name.size() - 5, 5, "/mean") == 0 && m.find(name)) {
      reward.push_back(series_of(name.substr(8, name.size() - 13), *m.find(name)));
      used.insert(name);
    }
  if (!reward.empty()) charts += line_chart_svg(reward, chart_options("Reward", o));
  else absent += " reward";
  for (const MainChart& c : kSingleCharts) {
    if (const MetricSeries* s = m.find(c.metric)) {
      charts += line_chart_svg({series_of(c.metric, *s)}, chart_options(c.title, o));
      used.insert(c.metric);
    } else {
      absent += std::string(" ") + c.metric;
    }
    if (c.metric == std::string("entropy")) {  // response length sits next to entropy
      if (const MetricSeries* len = m.find("completions/mean_length")) {
        ChartSeries s = series_of("mean length", *len);
        const MetricSeries *lo = m.find("completions/min_length"), *hi = m.find("completions/max_length");
        if (lo && hi && lo->steps == len->steps && hi->steps == len->steps) {
          s.band_lo = lo->values, s.band_hi = hi->values;
          s.name += " (band: min..max)";
          used.insert("completions/min_length"), used.insert("completions/max_length");
        }
        charts += line_chart_svg({s}, chart_options("Response length (tokens)", o));
        used.insert("completions/mean_length");
      } else {
        absent += " completions/mean_length";
      }
    }
  }
  std::string out = "<h2 id=\"training\">Training</h2>\n";
  out += fmt::format("<p class=\"note\">Light lines: raw values per step. Dark lines: exponential moving average "
                     "with weight w = {} (m = w&#183;m + (1 &#8722; w)&#183;x, debiased as in TensorBoard). Series longer than "
                     "N = {} points use w<sup>N/n</sup> (the same smoothing per drawn point) and are downsampled to N "
                     "points keeping each bucket's minimum and maximum.</p>\n",
                     format_number(o.smoothing), o.max_points);
  if (!absent.empty()) out += "<p class=\"note\">Not logged in this run:" + html_escape(absent) + ".</p>\n";
  return out + "<div class=\"charts\">" + charts + "</div>\n";
}

std::string reflection_charts(const std::vector<SampleRecord>& samples, const ReportOptions& o) {
  std::string out = "<h2 id=\"reflection\">Reflection words (the &#8220;aha&#8221; curve)</h2>\n";
  if (samples.empty()) return out + "<p class=\"note\">No samples.jsonl: nothing to count.</p>\n";
  std::vector<std::pair<long long, std::string_view>> texts;
  for (const SampleRecord& s : samples) texts.emplace_back(s.step, s.completion);
  ChartSeries mean{"reflection phrases per completion", {}, {}, {}, {}}, frac{"completions with >= 1", {}, {}, {}, {}};
  for (const ReflectionPoint& p : reflection_by_step(texts)) {
    mean.x.push_back(static_cast<double>(p.step)), mean.y.push_back(p.mean_count);
    frac.x.push_back(static_cast<double>(p.step)), frac.y.push_back(p.frac_with_any);
  }
  std::string words;
  for (const std::string& w : reflection_phrases()) words += (words.empty() ? "" : ", ") + w;
  out += "<p class=\"note\">Counted in the dumped completions, case-insensitive, whole words, longest phrase first, "
         "no overlaps: " + html_escape(words) + ".</p>\n";
  return out + "<div class=\"charts\">" + line_chart_svg({mean}, chart_options("Reflection words per completion", o)) +
         line_chart_svg({frac}, chart_options("Completions with a reflection word (fraction)", o)) + "</div>\n";
}

std::string all_metrics_grid(const RunMetrics& m, const ReportOptions& o, const std::set<std::string>& used) {
  std::string charts;
  int count = 0;
  for (const std::string& name : m.names) {
    if (used.count(name) || !m.find(name)) continue;
    ChartOptions c = chart_options(name, o);
    c.width = 290, c.height = 170, c.compact = true;
    charts += line_chart_svg({series_of(name, *m.find(name))}, c);
    count++;
  }
  if (count == 0) return "";
  return "<h2 id=\"metrics\">All other metrics</h2>\n<div class=\"charts small\">" + charts + "</div>\n";
}

}  // namespace

std::string render_report(const RunData& run, const ReportOptions& o) {
  std::set<std::string> used;
  std::string body = header(run, o);
  if (run.has_metrics) {
    body += training_charts(run.metrics, o, used);
  } else {
    body += "<h2 id=\"training\">Training</h2>\n<p class=\"note\">No metrics.jsonl in this run directory.</p>\n";
  }
  body += reflection_charts(run.samples, o);
  body += eval_section(run.evals);
  body += samples_section(run.samples, o);
  body += all_metrics_grid(run.metrics, o, used);
  const std::string name = std::filesystem::path(run.dir).filename().string();
  return fmt::format("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>grpo report: {}</title>"
                     "<style>{}</style></head>\n<body>\n{}</body></html>\n",
                     html_escape(name), kCss, body);
}

}  // namespace grpo
