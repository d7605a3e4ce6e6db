// Measures a generated Countdown directory (see countdown_stats.h).
#include "examples/countdown/countdown_stats.h"

#include <algorithm>
#include <map>

#include "rewards/builtin.h"
#include "rewards/registry.h"
#include "src/tokenizer/tokenizer.h"
#include "src/util/error.h"

namespace grpo::countdown {
namespace {

nlohmann::json row_of(const Task& t) { return {{"nums", t.nums}, {"target", t.target}}; }

struct Scorer {
  RewardRegistry registry;
  std::unique_ptr<Reward> countdown, format;
  Scorer() {
    add_builtin_rewards(registry);
    const ConfigNode defaults{YAML::Node(), "<defaults>", "", nullptr};
    countdown = registry.make("countdown", defaults);
    format = registry.make("format", defaults);
  }
  static double score(const Reward& r, const std::string& prompt, const std::string& completion,
                      const nlohmann::json& row) {
    RewardInput in;
    in.prompt = prompt;
    in.completion = completion;
    in.finish_reason = "stop";
    in.row = &row;
    return r.score(in).score;
  }
};

// Every split row's kept solution must score 1 under the countdown reward.
void check_solutions(const Scorer& s, const std::vector<Task>& tasks, const char* split) {
  for (const Task& t : tasks) {
    const nlohmann::json row = row_of(t);
    const std::string completion = " <think> </think> <answer> " + t.solution.text() + " </answer>";
    if (Scorer::score(*s.countdown, render_prompt(t), completion, row) != 1.0)
      fail("gen_countdown: {} task {} has solution '{}', which the countdown reward rejects. HINT: this is a "
           "generator bug; report it with the seed and flags",
           split, t.key(), t.solution.text());
  }
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0.0 : sum / double(v.size());
}

}  // namespace

nlohmann::ordered_json measure(const std::filesystem::path& dir, const std::vector<Task>& train,
                               const std::vector<Task>& eval, const std::vector<CorpusText>& corpus) {
  const Scorer scorer;
  check_solutions(scorer, train, "train");
  check_solutions(scorer, eval, "eval");

  const Tokenizer tok = Tokenizer::load(dir.string());
  if (tok.eos_id() != 0) fail("gen_countdown: {}: eos id is {}, expected 0. HINT: generator bug", dir.string(), tok.eos_id());
  std::vector<std::string> texts, prompts;
  for (const CorpusText& c : corpus) {
    texts.push_back(c.text);
    prompts.push_back(c.text.substr(0, c.text.size() - c.completion.size() - tok.eos_token().size()));
  }
  const auto ids = tok.encode_batch(texts), prompt_ids = tok.encode_batch(prompts);

  std::map<std::string, const Task*> by_prompt;
  for (const Task& t : train) by_prompt[render_prompt(t)] = &t;
  std::vector<double> text_tokens, completion_tokens, correct, tagged, reflected, reward_correct, format_ok;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const CorpusText& c = corpus[i];
    if (tok.decode(ids[i]) != c.text)
      fail("gen_countdown: corpus row {} does not round-trip through the tokenizer. HINT: generator bug", i + 1);
    // Training on the whole text must see the prompt as the policy will: the same ids, then more.
    if (!std::equal(prompt_ids[i].begin(), prompt_ids[i].end(), ids[i].begin()) || ids[i].back() != tok.eos_id())
      fail("gen_countdown: corpus row {}: prompt ids are not a prefix of the text ids. HINT: generator bug", i + 1);
    text_tokens.push_back(double(ids[i].size()));
    completion_tokens.push_back(double(ids[i].size() - prompt_ids[i].size()));
    correct.push_back(c.correct);
    tagged.push_back(c.style == Style::kTagged);
    reflected.push_back(c.reflected);
    const auto it = by_prompt.find(prompts[i]);
    if (it == by_prompt.end()) fail("gen_countdown: corpus row {} is not over a train task. HINT: generator bug", i + 1);
    const nlohmann::json row = row_of(*it->second);
    const bool rewarded = Scorer::score(*scorer.countdown, prompts[i], c.completion, row) == 1.0;
    const bool has_answer = c.style == Style::kTagged || c.style == Style::kAnswerOnly;
    if (rewarded != (c.correct && has_answer))
      fail("gen_countdown: corpus row {}: built as {} but the countdown reward gives {}. HINT: generator bug", i + 1,
           c.correct ? "right" : "wrong", rewarded ? 1 : 0);
    reward_correct.push_back(rewarded);
    format_ok.push_back(Scorer::score(*scorer.format, prompts[i], c.completion, row) == 1.0);
  }
  nlohmann::ordered_json styles = nlohmann::ordered_json::object();
  for (Style s : {Style::kTagged, Style::kPlain, Style::kThinkOnly, Style::kAnswerOnly})
    styles[style_name(s)] = std::count_if(corpus.begin(), corpus.end(), [&](const CorpusText& c) { return c.style == s; });
  return {{"train_tasks", train.size()},
          {"eval_tasks", eval.size()},
          {"corpus_texts", corpus.size()},
          {"vocab_size", tok.vocab_size()},
          {"eos_id", tok.eos_id()},
          {"frac_correct", mean(correct)},
          {"frac_tagged", mean(tagged)},
          {"frac_reflected", mean(reflected)},
          {"frac_countdown_reward_1", mean(reward_correct)},
          {"frac_format_reward_1", mean(format_ok)},
          {"styles", styles},
          {"mean_text_tokens", mean(text_tokens)},
          {"max_text_tokens", *std::max_element(text_tokens.begin(), text_tokens.end())},
          {"mean_prompt_tokens", mean(text_tokens) - mean(completion_tokens)},
          {"mean_completion_tokens", mean(completion_tokens)},
          {"max_completion_tokens", *std::max_element(completion_tokens.begin(), completion_tokens.end())}};
}

}  // namespace grpo::countdown
