// Eval table and sample completions: which steps and samples are shown, escaping, collapsing,
// reflection highlights.
#include "src/report/report_sections.h"

#include <gtest/gtest.h>

#include <cmath>

namespace grpo {
namespace {

TEST(ReportSections, PickSampleStepsFirstLastEvenlySpaced) {
  // n = 10, count 5: indices (i*9 + 2) / 4 for i = 0..4 -> 0, 2, 5, 7, 9.
  const std::vector<int64_t> steps = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  EXPECT_EQ(pick_sample_steps(steps, 5), (std::vector<int64_t>{10, 30, 60, 80, 100}));
  EXPECT_EQ(pick_sample_steps(steps, 2), (std::vector<int64_t>{10, 100}));
  EXPECT_EQ(pick_sample_steps(steps, 1), (std::vector<int64_t>{100}));
  EXPECT_EQ(pick_sample_steps({5, 6}, 5), (std::vector<int64_t>{5, 6}));
  EXPECT_TRUE(pick_sample_steps({}, 5).empty());
}

TEST(ReportSections, PickSamplesHighestLowestThenRest) {
  EXPECT_EQ(pick_samples({0.5, 1.0, 0.0, 1.0, NAN, 0.0}, 4), (std::vector<size_t>{1, 2, 0, 3}));
  EXPECT_EQ(pick_samples({0.5, 0.5, 0.5}, 4), (std::vector<size_t>{0, 1, 2}));  // ties: no separate lowest
  EXPECT_EQ(pick_samples({NAN, NAN}, 1), (std::vector<size_t>{0}));
  EXPECT_EQ(pick_samples({0.0, 2.0}, 1), (std::vector<size_t>{1}));
}

TEST(ReportSections, CompletionIsEscapedAndMarked) {
  const std::string html = completion_html("Wait </script><b>bold</b>\n  indented", 1000);
  EXPECT_EQ(html, "<div class=\"pre\"><mark>Wait</mark> &lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;\n  indented</div>");
}

TEST(ReportSections, LongCompletionCollapsesOutsidePhrasesAndCharacters) {
  const std::string long_text(2000, 'a');
  std::string html = completion_html(long_text, 1200);
  EXPECT_NE(html.find("<details class=\"long\">"), std::string::npos);
  EXPECT_NE(html.find("show all 2000 characters"), std::string::npos);
  // Limit 10 falls inside "wait" (bytes 9..13): the cut moves to byte 9, the phrase stays whole.
  html = completion_html("aaaaaaaa wait and more text here", 10);
  EXPECT_NE(html.find("<span class=\"pre\">aaaaaaaa </span>"), std::string::npos) << html;
  EXPECT_NE(html.find("<div class=\"pre\"><mark>wait</mark> and more"), std::string::npos) << html;
  // "é" is 2 bytes: a limit of 11 would split the 6th; the cut moves back to byte 10 (5 characters).
  std::string e;
  for (int i = 0; i < 7; ++i) e += "\xC3\xA9";
  html = completion_html(e, 11);
  EXPECT_NE(html.find("<span class=\"pre\">\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9</span>"), std::string::npos) << html;
  // A line break in the second half of the limit is preferred: cut after "line one\n" (9 bytes, limit 12).
  html = completion_html("line one\nline two is long", 12);
  EXPECT_NE(html.find("<span class=\"pre\">line one\n</span>"), std::string::npos) << html;
}

TEST(ReportSections, EvalTableOrAbsentNote) {
  EXPECT_NE(eval_section({}).find("No eval results"), std::string::npos);
  EvalRecord base{"eval/base.json", "base", std::nullopt, 8, 0.3, 0.35, 0.7, 80.5, 0.6};
  EvalRecord last{"eval/final.json", "final", 100, 8, 0.4, NAN, 0.9, 120, 0.6};
  const std::string html = eval_section({base, last});
  EXPECT_NE(html.find("<td title=\"eval/base.json\">base</td><td>&#8212;</td><td>0.3</td><td>0.35</td><td>0.7</td>"
                      "<td>80.5</td><td>8</td><td>0.6</td>"),
            std::string::npos) << html;
  // Change row: pass@1 0.3 -> 0.4 = +0.1; maj@k missing at the end: dash; tokens 80.5 -> 120 = +39.5.
  EXPECT_NE(html.find("change (base &#8594; final)</td><td></td><td>+0.1</td><td>&#8212;</td><td>+0.2</td><td>+39.5</td>"),
            std::string::npos) << html;
}

TEST(ReportSections, SamplesShowHighestAndLowestPerStep) {
  std::vector<SampleRecord> s(3);
  s[0].step = 5, s[0].reward = 0.0, s[0].completion = "low one", s[0].prompt = "Q<1>";
  s[1].step = 5, s[1].reward = 2.0, s[1].completion = "high one";
  s[2].step = 5, s[2].reward = 1.0, s[2].completion = "middle";
  ReportOptions o;
  o.samples_per_step = 2;
  const std::string html = samples_section(s, o);
  const size_t hi = html.find("badge hi\">highest reward"), lo = html.find("badge lo\">lowest reward");
  ASSERT_NE(hi, std::string::npos);
  ASSERT_NE(lo, std::string::npos);
  EXPECT_LT(hi, html.find("high one"));
  EXPECT_LT(html.find("high one"), lo);
  EXPECT_LT(lo, html.find("low one"));
  EXPECT_EQ(html.find("middle"), std::string::npos);  // 2 per step
  EXPECT_NE(html.find("Q&lt;1&gt;"), std::string::npos);
  EXPECT_NE(samples_section({}, o).find("No samples"), std::string::npos);
}

}  // namespace
}  // namespace grpo
