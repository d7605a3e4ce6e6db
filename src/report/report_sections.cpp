// Eval table and sample completions of the report page (see report_sections.h).
#include "src/report/report_sections.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "src/report/chart_math.h"
#include "src/report/html_escape.h"
#include "src/report/reflection.h"

namespace grpo {
namespace {

std::string cell(double v) { return std::isfinite(v) ? format_number(v) : "&#8212;"; }  // em dash when missing
std::string cell(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "&#8212;"; }

// Escaped text of [begin, end) with the reflection spans inside it wrapped in <mark>.
std::string marked(std::string_view text, size_t begin, size_t end, const std::vector<std::pair<size_t, size_t>>& spans) {
  std::string out;
  size_t pos = begin;
  for (const auto& [b, e] : spans) {
    if (b < begin || e > end) continue;
    out += html_escape(text.substr(pos, b - pos));
    out += "<mark>" + html_escape(text.substr(b, e - b)) + "</mark>";
    pos = e;
  }
  return out + html_escape(text.substr(pos, end - pos));
}

std::string sample_html(const SampleRecord& s, const char* badge, const ReportOptions& o) {
  std::string meta = fmt::format("prompt {} &#183; sample {} &#183; <b>reward {}</b>", s.prompt_index, s.sample_index, cell(s.reward));
  for (const auto& [label, score] : s.rewards) meta += fmt::format(" &#183; {} {}", html_escape(label), cell(score));
  if (std::isfinite(s.advantage)) meta += fmt::format(" &#183; advantage {:+.3f}", s.advantage);
  if (s.completion_tokens >= 0) meta += fmt::format(" &#183; {} tokens", s.completion_tokens);
  if (!s.finish_reason.empty()) meta += " &#183; " + html_escape(s.finish_reason);
  const size_t refl = count_reflections(s.completion);
  meta += fmt::format(" &#183; {} reflection phrase{}", refl, refl == 1 ? "" : "s");
  std::string out = "<div class=\"sample\"><div class=\"meta\">";
  if (*badge) out += fmt::format("<span class=\"badge {}\">{}</span> ", badge[0] == 'h' ? "hi" : "lo", badge);
  out += meta + "</div>";
  if (!s.prompt.empty())
    out += "<details class=\"prompt\"><summary>prompt</summary><div class=\"pre\">" + html_escape(s.prompt) + "</div></details>";
  return out + completion_html(s.completion, o.collapse_chars) + "</div>\n";
}

}  // namespace

std::vector<int64_t> pick_sample_steps(const std::vector<int64_t>& steps, int count) {
  const size_t n = steps.size();
  if (count <= 0 || n == 0) return {};
  if (n <= static_cast<size_t>(count) || count == 1) return count == 1 ? std::vector<int64_t>{steps.back()} : steps;
  std::vector<int64_t> out;
  const size_t c = static_cast<size_t>(count) - 1;
  for (size_t i = 0; i <= c; ++i) {
    const int64_t s = steps[(i * (n - 1) + c / 2) / c];
    if (out.empty() || out.back() != s) out.push_back(s);
  }
  return out;
}

std::vector<size_t> pick_samples(const std::vector<double>& rewards, int count) {
  std::vector<size_t> out;
  if (count <= 0) return out;
  size_t hi = rewards.size(), lo = rewards.size();
  for (size_t i = 0; i < rewards.size(); ++i) {
    if (!std::isfinite(rewards[i])) continue;
    if (hi == rewards.size() || rewards[i] > rewards[hi]) hi = i;
    if (lo == rewards.size() || rewards[i] < rewards[lo]) lo = i;
  }
  if (hi < rewards.size()) out.push_back(hi);
  if (lo < rewards.size() && lo != hi && out.size() < static_cast<size_t>(count)) out.push_back(lo);
  for (size_t i = 0; i < rewards.size() && out.size() < static_cast<size_t>(count); ++i)
    if (i != hi && i != lo) out.push_back(i);
  return out;
}

std::string completion_html(std::string_view text, size_t collapse_chars) {
  const auto spans = find_reflections(text);
  if (text.size() <= collapse_chars) return "<div class=\"pre\">" + marked(text, 0, text.size(), spans) + "</div>";
  size_t cut = collapse_chars;
  const size_t newline = text.rfind('\n', collapse_chars);
  if (newline != std::string_view::npos && newline >= collapse_chars / 2) cut = newline + 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  for (const auto& [b, e] : spans)
    if (b < cut && cut < e) cut = b;  // not inside a phrase
  return fmt::format(
      "<details class=\"long\"><summary><span class=\"pre\">{}</span><span class=\"more\"> &#8230; show all {} "
      "characters</span></summary><div class=\"pre\">{}</div></details>",
      marked(text, 0, cut, spans), text.size(), marked(text, cut, text.size(), spans));
}

std::string eval_section(const std::vector<EvalRecord>& evals) {
  std::string out = "<h2 id=\"eval\">Evaluation</h2>\n";
  if (evals.empty())
    return out + "<p class=\"note\">No eval results: <code>eval/*.json</code> is absent in this run directory. "
                 "Write them with <code>grpo eval --output RUN/eval/LABEL.json --label LABEL</code>.</p>\n";
  out += "<table class=\"eval\"><tr><th>label</th><th>step</th><th>pass@1</th><th>maj@k</th><th>format_rate</th>"
         "<th>mean_response_tokens</th><th>k</th><th>temperature</th></tr>\n";
  for (const EvalRecord& e : evals)
    out += fmt::format("<tr><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       html_escape(e.file), html_escape(e.label), cell(e.step), cell(e.pass_at_1), cell(e.maj_at_k),
                       cell(e.format_rate), cell(e.mean_response_tokens), cell(e.k), cell(e.temperature));
  if (evals.size() >= 2) {
    const EvalRecord &a = evals.front(), &b = evals.back();
    auto delta = [](double x, double y) { return std::isfinite(x) && std::isfinite(y) ? fmt::format("{:+.4g}", y - x) : std::string("&#8212;"); };
    out += fmt::format("<tr class=\"delta\"><td>change ({} &#8594; {})</td><td></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td></td><td></td></tr>\n",
                       html_escape(a.label), html_escape(b.label), delta(a.pass_at_1, b.pass_at_1), delta(a.maj_at_k, b.maj_at_k),
                       delta(a.format_rate, b.format_rate), delta(a.mean_response_tokens, b.mean_response_tokens));
  }
  return out + "</table>\n";
}

std::string samples_section(const std::vector<SampleRecord>& samples, const ReportOptions& o) {
  std::string out = "<h2 id=\"samples\">Sample completions</h2>\n";
  if (samples.empty())
    return out + "<p class=\"note\">No samples: <code>samples.jsonl</code> is absent or empty in this run directory.</p>\n";
  std::map<int64_t, std::vector<const SampleRecord*>> by_step;
  for (const SampleRecord& s : samples) by_step[s.step].push_back(&s);
  std::vector<int64_t> steps;
  for (const auto& kv : by_step) steps.push_back(kv.first);
  const std::vector<int64_t> shown = pick_sample_steps(steps, o.sample_steps);
  out += fmt::format("<p class=\"note\">{} completions dumped at {} steps; shown: {} steps, up to {} completions each "
                     "(highest and lowest reward first). Reflection phrases are <mark>highlighted</mark>.</p>\n",
                     samples.size(), steps.size(), shown.size(), o.samples_per_step);
  for (int64_t step : shown) {
    const auto& group = by_step[step];
    std::vector<double> rewards;
    for (const SampleRecord* s : group) rewards.push_back(s->reward);
    const std::vector<size_t> pick = pick_samples(rewards, o.samples_per_step);
    out += fmt::format("<h3>Step {} <span class=\"note\">({} completions dumped)</span></h3>\n", step, group.size());
    for (size_t j = 0; j < pick.size(); ++j) {
      const bool distinct = pick.size() > 1 && std::isfinite(rewards[pick[0]]);
      const char* badge = !distinct ? "" : j == 0 ? "highest reward" : j == 1 && rewards[pick[1]] < rewards[pick[0]] ? "lowest reward" : "";
      out += sample_html(*group[pick[j]], badge, o);
    }
  }
  return out;
}

}  // namespace grpo
