// Each step maps every current piece to sub-pieces; a regex never sees across a piece boundary,
// exactly as PreTokenizedString::split does in HF tokenizers. ByteLevel's byte-to-char mapping is
// left to BPE (it starts from byte ids), so ByteLevel must be the last step.
#include "src/tokenizer/pre_tokenizer.h"

#include <utf8proc.h>

#include "src/tokenizer/unicode.h"
#include "src/util/error.h"

namespace grpo {
namespace {

// GPT-2's pattern, used by ByteLevel with use_regex = true.
constexpr const char* kGpt2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

bool is_numeric(uint32_t cp) {  // Rust char::is_numeric: Nd, Nl, No
  const auto c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NL || c == UTF8PROC_CATEGORY_NO;
}

}  // namespace

void PreTokenizer::add(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return;
  const std::string type = j.value("type", "");
  if (byte_level_)
    fail("{}: '{}' after ByteLevel is not supported. HINT: ByteLevel must be the last pre-tokenizer", where, type);
  if (type == "Sequence") {
    const auto& list = j.at("pretokenizers");
    for (size_t i = 0; i < list.size(); ++i) add(list[i], where + ".pretokenizers[" + std::to_string(i) + "]");
  } else if (type == "Split") {
    Step st{Kind::kSplit, {}, Behavior::kIsolated, j.value("invert", false), false};
    const auto& pat = j.at("pattern");
    const bool literal = pat.contains("String");
    st.regex.emplace_back(pat.at(literal ? "String" : "Regex").get<std::string>(), literal, where);
    const std::string b = j.at("behavior").get<std::string>();
    if (b == "Isolated")
      st.behavior = Behavior::kIsolated;
    else if (b == "Removed")
      st.behavior = Behavior::kRemoved;
    else if (b == "MergedWithPrevious")
      st.behavior = Behavior::kMergedWithPrevious;
    else if (b == "MergedWithNext")
      st.behavior = Behavior::kMergedWithNext;
    else if (b == "Contiguous")
      st.behavior = Behavior::kContiguous;
    else
      fail(
          "{}: unknown Split behavior '{}'. HINT: use Isolated, Removed, MergedWithPrevious, MergedWithNext "
          "or Contiguous",
          where, b);
    steps_.push_back(std::move(st));
  } else if (type == "Digits") {
    steps_.push_back({Kind::kDigits, {}, Behavior::kIsolated, false, j.value("individual_digits", false)});
  } else if (type == "ByteLevel") {
    if (j.value("add_prefix_space", false))
      steps_.push_back({Kind::kByteLevelPrefix, {}, Behavior::kIsolated, false, false});
    if (j.value("use_regex", true)) {
      Step st{Kind::kSplit, {}, Behavior::kIsolated, false, false};
      st.regex.emplace_back(kGpt2Pattern, false, where);
      steps_.push_back(std::move(st));
    }
    byte_level_ = true;
  } else {
    fail("{}: unsupported pre_tokenizer '{}'. HINT: supported: Sequence, Split, ByteLevel, Digits", where, type);
  }
}

PreTokenizer PreTokenizer::from_json(const nlohmann::json& j, const std::string& where) {
  PreTokenizer p;
  p.add(j, where);
  return p;
}

void PreTokenizer::apply(const Step& st, std::string_view piece, std::vector<std::string_view>& out,
                         std::deque<std::string>& arena) const {
  if (st.kind == Kind::kByteLevelPrefix) {  // HF prepends to every split that lacks a leading space
    if (!piece.empty() && piece.front() != ' ') piece = arena.emplace_back(" " + std::string(piece));
    out.push_back(piece);
    return;
  }
  // Cover piece with (begin, end, is_match) spans, as HF's Pattern::find_matches does.
  std::vector<std::pair<size_t, size_t>> matches;
  if (st.kind == Kind::kSplit) {
    st.regex[0].find(piece, matches);
  } else {  // Digits: runs of numeric chars, or single numeric chars
    for (size_t i = 0; i < piece.size();) {
      const size_t b = i;
      if (!is_numeric(unicode::next_codepoint(piece, i))) continue;
      if (!st.individual_digits && !matches.empty() && matches.back().second == b)
        matches.back().second = i;
      else
        matches.emplace_back(b, i);
    }
  }
  struct Span {
    size_t b, e;
    bool match;
  };
  std::vector<Span> spans;
  size_t prev = 0;
  for (auto [b, e] : matches) {
    if (b > prev) spans.push_back({prev, b, st.invert});
    spans.push_back({b, e, !st.invert});
    prev = e;
  }
  if (prev < piece.size()) spans.push_back({prev, piece.size(), st.invert});

  // HF's fold over spans: a match merges into the previous (next) span when that one is no match.
  for (size_t k = 0; k < spans.size(); ++k) {
    const Span& s = spans[k];
    const bool prev_match = k > 0 && spans[k - 1].match;
    bool merge = false;
    switch (st.behavior) {
      case Behavior::kIsolated:
        break;
      case Behavior::kRemoved:
        if (s.match) continue;
        break;
      case Behavior::kMergedWithPrevious:
        merge = s.match && k > 0 && !prev_match;
        break;
      case Behavior::kMergedWithNext:
        merge = !s.match && prev_match;
        break;
      case Behavior::kContiguous:
        merge = s.match && prev_match;
        break;
    }
    if (merge)
      out.back() = std::string_view(out.back().data(), piece.data() + s.e - out.back().data());
    else
      out.push_back(piece.substr(s.b, s.e - s.b));
  }
}

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& out,
                         std::deque<std::string>& arena) const {
  std::vector<std::string_view> cur{text}, next;
  if (text.empty()) return;
  for (const Step& st : steps_) {
    next.clear();
    for (std::string_view p : cur) apply(st, p, next, arena);
    cur.swap(next);
  }
  out.insert(out.end(), cur.begin(), cur.end());
}

}  // namespace grpo
