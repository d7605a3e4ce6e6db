// Chat templates of the real Qwen3 and DeepSeek-V3 tokenizers rendered exactly as transformers'
// apply_chat_template (oracle_tokenizer.py), plus interpreter semantics with hand-derived results.
#include "src/tokenizer/chat_template.h"

#include <gtest/gtest.h>

#include <fstream>

#include "src/util/error.h"
#include "src/util/jsonl.h"
#include "test_util.h"

namespace grpo {
namespace {

void check_MatchesTransformers(const std::string& name) {
  const Tokenizer tok = Tokenizer::load((test::source_dir() / "tests/data/tokenizers" / name).string());
  const ChatTemplate tmpl = ChatTemplate::from_tokenizer(tok);
  // Parsed as ordered_json: tojson output depends on the key order of tools and tool calls.
  std::ifstream in(test::testdata_dir() / "tokenizer" / (name + "_chat.jsonl"));
  int n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    const auto row = nlohmann::ordered_json::parse(line);
    ChatRenderOptions opts;
    opts.add_generation_prompt = row["add_generation_prompt"].get<bool>();
    if (row.contains("extra")) opts.extra = row["extra"];
    EXPECT_EQ(tmpl.render(row["messages"], opts), row["rendered"].get<std::string>()) << name << " row " << n + 1;
  }
  EXPECT_GE(n, 14);
}

// Plain tests per tokenizer (not TEST_P): CTest discovery mangles parameterised test names.
TEST(ChatTemplateParity, MatchesTransformers_Qwen3) { check_MatchesTransformers("qwen3"); }
TEST(ChatTemplateParity, MatchesTransformers_DeepSeekV3) { check_MatchesTransformers("deepseek_v3"); }

std::string render(const std::string& t, const char* messages = "[]") {
  return ChatTemplate(t).render(nlohmann::ordered_json::parse(messages));
}

TEST(ChatTemplate, WhitespaceControlFollowsTransformersEnvironment) {
  // trim_blocks drops the newline after "%}"; lstrip_blocks drops the indent before "{%";
  // "{{-" strips all whitespace before it; one trailing newline of the template is dropped.
  EXPECT_EQ(render("{% if true %}\n  a\n    {% endif %}\nb\n"), "  a\nb");
  EXPECT_EQ(render("x   \n {{- 'y' }}"), "xy");
  EXPECT_EQ(render("{%- for m in messages -%} [{{ m.role }}] {%- endfor %}", R"([{"role":"u"},{"role":"a"}])"),
            "[u][a]");
}

TEST(ChatTemplate, ExpressionsFollowPythonSemantics) {
  // loop variables, slicing, negative index, split/strip, namespace assignment, tests, filters.
  const char* msgs = R"([{"role":"user","content":"a</think>\nb"},{"role":"assistant","content":"c"}])";
  EXPECT_EQ(render("{% for m in messages[::-1] %}{{ loop.index0 }}{{ m.role[0] }}{% endfor %}", msgs), "0a1u");
  EXPECT_EQ(render("{{ messages[0].content.split('</think>')[-1].lstrip('\\n') }}", msgs), "b");
  EXPECT_EQ(
      render("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}",
             msgs),
      "2");
  EXPECT_EQ(render("{{ messages|length - 1 }} {{ x is defined }} {{ not x is defined }} {{ none }}", msgs),
            "1 False True None");
  EXPECT_EQ(render("{{ 'a' if messages else 'b' }}{{ [1, 'x'] }}{{ {'k': true}|tojson }}"), "b[1, 'x']{\"k\": true}");
}

TEST(ChatTemplate, UnsupportedConstructsNameTheConstructAndPosition) {
  try {
    render("ok\n{% macro f() %}{% endmacro %}");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'macro'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("line 2, column 4"), std::string::npos) << e.what();
  }
  EXPECT_THROW(render("{{ x | wordwrap }}"), Error);
  EXPECT_THROW(render("{% if true %}never closed"), Error);
  try {
    render("{{ raise_exception('roles must alternate') }}");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("roles must alternate"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace grpo
