// `repetition`: n-gram repetition penalty (arXiv:2502.03373 App. C.2), sequence-level as in
// open-r1's get_repetition_penalty_reward. With the part's words lower-cased and split on
// whitespace, and G its T = (#words - n + 1) word n-grams:
//   R = (1 - |unique n-grams| / T) * max_penalty     (max_penalty <= 0)
// and R = 0 when the text has fewer than n words. The paper applies its penalty per token of each
// repeated n-gram; this is the per-sequence variant that a scalar reward can express.
#include <utf8proc.h>

#include <set>

#include "rewards/builtin.h"
#include "rewards/completion_parts.h"
#include "rewards/reward_options.h"

namespace grpo {
namespace {

struct RepetitionOptions {
  int64_t ngram_size = 3;
  double max_penalty = -1.0;
  std::string part = "completion";
  TagOptions tags;
  template <class V> void visit(V& v) {
    v(ngram_size, "ngram_size", "n of the word n-grams");
    v(max_penalty, "max_penalty", "reward when every n-gram repeats (<= 0)");
    v(part, "part", "text judged: completion | think | answer");
    v(tags, "tags", "template tags");
  }
  void validate(ConfigCheck& c) const {
    c.require(ngram_size >= 1, "ngram_size", "must be >= 1");
    c.require(max_penalty <= 0, "max_penalty", "must be <= 0 (it is a penalty)");
    c.require(parse_text_part(part).has_value(), "part", "must be completion, think or answer");
  }
};

// Whitespace-separated words, lower-cased code point by code point (like Python's str.lower().split()).
std::vector<std::string> lower_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      word.push_back(static_cast<char>(*p));  // keep invalid bytes as they are
      n = 1;
    } else if (utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS || cp == '\n' || cp == '\t' || cp == '\r' ||
               cp == '\f' || cp == '\v') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      utf8proc_uint8_t buf[4];
      const utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_tolower(cp), buf);
      word.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(k));
    }
    p += n;
    left -= n;
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

class RepetitionReward final : public Reward {
 public:
  explicit RepetitionReward(RepetitionOptions opts) : opts_(std::move(opts)), part_(*parse_text_part(opts_.part)) {}

  RewardOutput score(const RewardInput& in) const override {
    RewardOutput out;
    const CompletionParts parts = split_completion(in, opts_.tags);
    auto text = select_part(parts, part_);
    const auto words = text ? lower_words(*text) : std::vector<std::string>{};
    const auto n = static_cast<size_t>(opts_.ngram_size);
    if (words.size() < n) {
      out.details["ngrams"] = 0;
      return out;
    }
    std::set<std::vector<std::string_view>> unique;
    const size_t total = words.size() - n + 1;
    for (size_t i = 0; i < total; ++i) unique.emplace(words.begin() + static_cast<std::ptrdiff_t>(i),
                                                      words.begin() + static_cast<std::ptrdiff_t>(i + n));
    out.score = (1.0 - static_cast<double>(unique.size()) / static_cast<double>(total)) * opts_.max_penalty;
    out.details["ngrams"] = total;
    out.details["unique"] = unique.size();
    return out;
  }

 private:
  RepetitionOptions opts_;
  TextPart part_;
};

}  // namespace

std::unique_ptr<Reward> make_repetition(const ConfigNode& params) {
  return std::make_unique<RepetitionReward>(read_reward_options<RepetitionOptions>(params, "repetition"));
}

}  // namespace grpo
