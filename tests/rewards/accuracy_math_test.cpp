// accuracy_math against HF math-verify on tests/data/math_pairs.jsonl (verdicts written by
// tests/rewards/math/oracle_math_verify.py), plus the reward's config, details and speed.
// Acceptance (issue 6): agreement >= 98%, and no pair accepted here that math-verify rejects
// unless the pair carries "mv_false_negative" with the reason.
#include "rewards/accuracy_math.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "src/util/jsonl.h"
#include "src/util/parallel.h"
#include "test_util.h"

namespace grpo {
namespace {

// The oracle's verdicts. Normally the CTest fixture tests/rewards/math/oracle_math_verify.py has
// written them to testdata_dir() before this test runs. On this branch's base, discovered tests
// lose FIXTURES_REQUIRED and GRPO_TESTDATA (main fixes that); then the test runs the oracle itself
// with the repository's .venv python, and fails if it cannot.
std::filesystem::path verdicts_file() {
  const char* name = "math_verify_verdicts.jsonl";
  for (const auto& dir : {test::testdata_dir(), std::filesystem::path("../testdata")})
    if (std::filesystem::exists(dir / name)) return dir / name;
  const auto out = std::filesystem::absolute("accuracy_math_oracle");
  const std::string python =
      std::getenv("GRPO_PYTHON") != nullptr ? test::python() : (test::source_dir() / ".venv/bin/python").string();
  const std::string command = python + " " + (test::source_dir() / "tests/rewards/math/oracle_math_verify.py").string() +
                              " " + out.string();
  EXPECT_EQ(test::run_command(command), 0) << command;
  return out / name;
}

std::unique_ptr<Reward> default_reward() { return make_accuracy_math_from(AccuracyMathOptions{}); }

RewardOutput score(const Reward& r, const Json& row, std::string_view completion) {
  RewardInput in;
  in.completion = completion;
  in.row = &row;
  return r.score(in);
}

TEST(AccuracyMath, AgreesWithMathVerifyOnPairCorpus) {
  const auto pairs = read_jsonl((test::source_dir() / "tests/data/math_pairs.jsonl").string());
  std::map<int64_t, bool> oracle;
  for (const auto& row : read_jsonl(verdicts_file().string()))
    oracle[row.value.at("id").get<int64_t>()] = row.value.at("verdict").get<bool>();
  ASSERT_GE(pairs.size(), 600u);
  ASSERT_EQ(oracle.size(), pairs.size()) << "oracle verdicts are stale: re-run the oracle fixture";

  const auto reward = default_reward();
  int agree = 0, accepted = 0, unexplained_false_positives = 0, stale_allow = 0;
  std::string report;
  for (const auto& p : pairs) {
    const int64_t id = p.value.at("id").get<int64_t>();
    const Json row = {{"answer", p.value.at("gold")}};
    const RewardOutput out = score(*reward, row, p.value.at("prediction").get<std::string>());
    const bool ours = out.score == 1.0, theirs = oracle.at(id);
    const bool allowed = p.value.contains("mv_false_negative");
    accepted += ours;
    if (ours == theirs) {
      ++agree;
      if (allowed) {
        ++stale_allow;
        report += fmt::format("  stale allow-list entry (we agree now) id {}\n", id);
      }
      continue;
    }
    if (ours && !theirs && !allowed) ++unexplained_false_positives;
    report += fmt::format("  id {} [{}] gold {} | pred {} | ours {} math-verify {}{} | {}\n", id,
                          p.value.at("category").get<std::string>(), p.value.at("gold").dump(),
                          out.details.value("extracted", std::string("<none>")), ours, theirs,
                          allowed ? " (allow-listed: " + p.value.at("mv_false_negative").get<std::string>() + ")" : "",
                          out.details.dump());
  }
  const double rate = static_cast<double>(agree) / static_cast<double>(pairs.size());
  std::printf("accuracy_math vs math-verify: %d / %zu agree (%.2f%%), we accept %d\n%s", agree, pairs.size(),
              100.0 * rate, accepted, report.c_str());
  EXPECT_GE(rate, 0.98);
  EXPECT_EQ(unexplained_false_positives, 0) << "accepted pairs that math-verify rejects, not allow-listed";
  EXPECT_EQ(stale_allow, 0);
}

TEST(AccuracyMath, ScoresAreConfigurable) {
  const auto params = parse_yaml_string("correct_score: 2.0\nwrong_score: -1.0\nno_answer_score: -2.0\n", "t.yaml");
  const auto reward = make_accuracy_math(params);
  const Json row = {{"answer", "\\frac{1}{2}"}};
  EXPECT_EQ(score(*reward, row, "so \\boxed{0.5}").score, 2.0);
  EXPECT_EQ(score(*reward, row, "so \\boxed{0.6}").score, -1.0);
  EXPECT_EQ(score(*reward, row, "no idea").score, -2.0);
}

TEST(AccuracyMath, DetailsTraceEveryStep) {
  const auto reward = default_reward();
  const Json row = {{"answer", "\\dfrac{1}{2}"}};
  const auto out = score(*reward, row, "<think>half</think><answer>$0.5$.</answer>");
  EXPECT_EQ(out.score, 1.0);
  EXPECT_EQ(out.details.at("source"), "answer_tag");
  EXPECT_EQ(out.details.at("extracted"), "$0.5$.");
  EXPECT_EQ(out.details.at("gold_normalized"), "\\frac{1}{2}");
  EXPECT_EQ(out.details.at("pred_normalized"), "0.5");
  EXPECT_EQ(out.details.at("verdict"), "correct");
  EXPECT_TRUE(out.details.contains("reason"));
}

TEST(AccuracyMath, UnparseableGoldIsReportedNotSilentlyWrong) {
  const auto params = parse_yaml_string("gold_error_score: -0.5\n", "t.yaml");
  const auto reward = make_accuracy_math(params);
  const Json bad = {{"answer", "\\frac{1}{0}"}};
  auto out = score(*reward, bad, "\\boxed{1}");
  EXPECT_EQ(out.score, -0.5);
  EXPECT_EQ(out.details.at("verdict"), "gold_error");
  EXPECT_TRUE(out.details.contains("gold_error"));
  const Json missing = {{"solution", "4"}};
  out = score(*reward, missing, "\\boxed{4}");
  EXPECT_EQ(out.details.at("verdict"), "gold_error");
  EXPECT_NE(out.details.at("gold_error").get<std::string>().find("'answer'"), std::string::npos);
  // Both sides unparseable but textually identical: math-verify's string fallback accepts.
  const Json weird = {{"answer", "0.\\overline{3}"}};
  out = score(*reward, weird, "\\boxed{0.\\overline{3}}");
  EXPECT_EQ(out.score, 1.0);
  EXPECT_TRUE(out.details.contains("gold_error"));
}

TEST(AccuracyMath, GoldFromNumbersBoxesAndGsm8kTails) {
  const auto reward = default_reward();
  EXPECT_EQ(score(*reward, Json{{"answer", 42}}, "\\boxed{42}").score, 1.0);
  EXPECT_EQ(score(*reward, Json{{"answer", "so $\\boxed{7}$"}}, "\\boxed{7}").score, 1.0);
  EXPECT_EQ(score(*reward, Json{{"answer", "3 + 4 = 7\n#### 7"}}, "\\boxed{7}").score, 1.0);
}

TEST(AccuracyMath, SourcesAnswerTagBoxedAndRegex) {
  const Json row = {{"answer", "12"}};
  const std::string text = "<answer>12</answer> but later \\boxed{13}. Final: 12";
  EXPECT_EQ(score(*default_reward(), row, text).score, 1.0);  // auto prefers the answer block
  EXPECT_EQ(score(*make_accuracy_math(parse_yaml_string("source: boxed", "t")), row, text).score, 0.0);
  const auto re = make_accuracy_math(parse_yaml_string("source: regex\npattern: 'Final: (\\d+)'", "t"));
  EXPECT_EQ(score(*re, row, text).score, 1.0);
  const auto tag_only = make_accuracy_math(parse_yaml_string("source: answer_tag", "t"));
  EXPECT_EQ(score(*tag_only, row, "\\boxed{12}").details.at("verdict"), "no_answer");
}

TEST(AccuracyMath, BadConfigNamesFieldAndHint) {
  auto expect_error = [](const std::string& yaml, const std::string& needle) {
    try {
      make_accuracy_math(parse_yaml_string(yaml, "r.yaml"));
      ADD_FAILURE() << "no error for " << yaml;
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find(needle), std::string::npos) << m;
      EXPECT_NE(m.find("HINT"), std::string::npos) << m;
    }
  };
  expect_error("source: last", "source");
  expect_error("source: regex", "pattern");
  expect_error("source: regex\npattern: '(?<=x)1'", "pattern");
  expect_error("float_rounding: 40", "float_rounding");
  try {
    make_accuracy_math(parse_yaml_string("sorce: boxed", "r.yaml"));
    ADD_FAILURE() << "unknown key accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sorce"), std::string::npos);
  }
}

// Hostile or random completions never throw, hang or crash; each gets a verdict.
TEST(AccuracyMath, NeverThrowsOnGarbage) {
  const char* tokens[] = {"\\boxed{", "}", "{", "\\frac", "\\sqrt[", "]", "(", ")", "[", ",", "=", "^", "-",
                          "1", "0", ".", "e", "x", "\\pi", "%", "\\{", "\\}", "\\text{", "<answer>",
                          "</answer>", "\\cup", "\\in", "!", "/", "\\pm", " ", "99999999999999999999999"};
  const auto reward = default_reward();
  const Json row = {{"answer", "(1, 2]"}};
  uint64_t state = 12345;  // fixed LCG: the same inputs every run
  for (int i = 0; i < 3000; ++i) {
    std::string text = "\\boxed{";
    const int n = 1 + static_cast<int>(state % 40);
    for (int k = 0; k < n; ++k) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      text += tokens[(state >> 33) % std::size(tokens)];
    }
    text += "}";
    RewardOutput out;
    ASSERT_NO_THROW(out = score(*reward, row, text)) << text;
    ASSERT_TRUE(out.details.contains("verdict")) << text;
  }
  const std::string deep = "\\boxed{" + std::string(100000, '{') + "1" + std::string(100000, '}') + "}";
  EXPECT_EQ(score(*reward, row, deep).details.at("verdict"), "wrong");  // too long to parse
  EXPECT_NO_THROW(score(*reward, Json{{"answer", "2^{99999999}"}}, "\\boxed{10!!!!}"));
  EXPECT_NO_THROW(score(*reward, Json{{"answer", std::string(500, '(') + "1"}}, "\\boxed{1}"));
  const Json deep_gold = {{"answer", std::string(200000, '(') + "1" + std::string(200000, ')')}};
  EXPECT_EQ(score(*reward, deep_gold, "\\boxed{1}").details.at("verdict"), "gold_error");
}

// One reward object scored from several threads gives the single-threaded verdicts.
TEST(AccuracyMath, ThreadSafe) {
  const auto pairs = read_jsonl((test::source_dir() / "tests/data/math_pairs.jsonl").string());
  const auto reward = default_reward();
  auto run = [&](size_t threads) {
    std::vector<std::string> verdicts(pairs.size());
    parallel_for(pairs.size(), threads, [&](size_t i) {
      const Json row = {{"answer", pairs[i].value.at("gold")}};
      verdicts[i] = score(*reward, row, pairs[i].value.at("prediction").get_ref<const std::string&>()).details.dump();
    });
    return verdicts;
  };
  EXPECT_EQ(run(1), run(4));
}

// Scoring must cost microseconds: it runs on every completion of every step.
TEST(AccuracyMath, ScoresAPairInMicroseconds) {
  const auto pairs = read_jsonl((test::source_dir() / "tests/data/math_pairs.jsonl").string());
  const auto reward = default_reward();
  std::vector<Json> rows;
  for (const auto& p : pairs) rows.push_back(Json{{"answer", p.value.at("gold")}});
  const auto start = std::chrono::steady_clock::now();
  int n = 0;
  for (int rep = 0; rep < 5; ++rep)
    for (size_t i = 0; i < pairs.size(); ++i, ++n)
      score(*reward, rows[i], pairs[i].value.at("prediction").get_ref<const std::string&>());
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
  std::printf("accuracy_math: %.1f us per pair (%d pairs)\n", us, n);
  EXPECT_LT(us, 1000.0);
}

}  // namespace
}  // namespace grpo
