// Why the look-ahead post-pass is exact: in `... |\s+(?!\S)|\s+` the two last alternatives match at
// every whitespace position, so replacing them by one greedy `(\s+)` changes neither where a match
// starts nor which earlier alternative wins. Backtracking `\s+(?!\S)` from the maximal run [b, e)
// stops at e (end of text) or at e - 1 char (then followed by a space); it fails only for a 1-char run
// before a non-space, where `\s+` takes that one char. So: when group 1 matched, e < end of text and
// the run has >= 2 chars, give back the last char. Asking RE2 for group 1 costs ~4x per match, so
// instead a whitespace-only match is tested against the pattern without that last alternative
// (anchored at the match start): if an earlier alternative matches there, it won the match.
#include "src/tokenizer/split_regex.h"

#include <re2/re2.h>

#include "src/tokenizer/unicode.h"
#include "src/util/error.h"

namespace grpo {
namespace {

constexpr std::string_view kLookaheadIdiom = "\\s+(?!\\S)|\\s+";

bool all_whitespace(std::string_view s) {
  for (size_t i = 0; i < s.size();)
    if (!unicode::is_whitespace(unicode::next_codepoint(s, i))) return false;
  return true;
}

}  // namespace

std::string SplitRegex::translate(const std::string& p, bool& ws_lookahead, const std::string& where) {
  const std::string ws = unicode::whitespace_class_body();
  std::string out;
  bool in_class = false;
  int depth = 0;  // open groups
  ws_lookahead = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (!in_class && p.compare(i, kLookaheadIdiom.size(), kLookaheadIdiom) == 0) {
      if (i + kLookaheadIdiom.size() != p.size())
        fail(
            "{}: the look-ahead idiom '{}' must be the last alternative of the pattern. HINT: reorder the "
            "alternatives or use a tokenizer.json without look-arounds",
            where, kLookaheadIdiom);
      if (out.empty() || out.back() != '|' || depth != 0)
        fail("{}: the look-ahead idiom '{}' must follow a top-level '|'. HINT: this pattern shape is not supported",
             where, kLookaheadIdiom);
      out += "[" + ws + "]+";
      ws_lookahead = true;
      i += kLookaheadIdiom.size() - 1;
      continue;
    }
    if (c == '\\' && i + 1 < p.size()) {
      const char e = p[++i];
      std::string body;
      if (e == 's')
        body = ws;
      else if (e == 'd')
        body = "\\p{Nd}";
      else if (e == 'w')
        body = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}";
      if (!body.empty()) {
        out += in_class ? body : "[" + body + "]";
      } else if (e == 'S' || e == 'D' || e == 'W') {
        if (in_class)
          fail(
              "{}: regex construct '\\{}' inside a character class at offset {} is not supported. HINT: rewrite "
              "the class without the negated shorthand",
              where, e, i - 1);
        out += std::string("[^") + (e == 'S' ? ws : e == 'D' ? "\\p{Nd}" : "\\p{L}\\p{M}\\p{Nd}\\p{Pc}") + "]";
      } else {
        out += '\\';
        out += e;
      }
      continue;
    }
    if (c == '[' && !in_class) {
      in_class = true;
      out += c;
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];  // a literal ']' first in a class
      continue;
    }
    if (c == ']' && in_class) in_class = false;
    if (!in_class && c == '(') ++depth;
    if (!in_class && c == ')') --depth;
    const auto at = [&](std::string_view s) { return p.compare(i, s.size(), s) == 0; };
    if (!in_class && (at("(?=") || at("(?!") || ((at("(?<=") || at("(?<!")))))
      fail(
          "{}: regex look-around '{}' at offset {} is not supported (RE2 has none; only the idiom '{}' is "
          "emulated). HINT: use a tokenizer.json whose Split patterns avoid look-arounds",
          where, p.substr(i, 3), i, kLookaheadIdiom);
    out += c;
  }
  return out;
}

SplitRegex::SplitRegex(const std::string& pattern, bool literal, const std::string& where) {
  const std::string translated = literal ? RE2::QuoteMeta(pattern) : translate(pattern, ws_lookahead_, where);
  RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_max_mem(64 << 20);
  re_ = std::make_unique<RE2>(translated, opt);
  if (!re_->ok())
    fail("{}: cannot compile regex '{}': {}. HINT: the pattern uses a construct RE2 does not support", where, pattern,
         re_->error());
  if (ws_lookahead_) {  // the alternatives before the idiom: drop "|[ws]+" from the end
    const std::string ws_alt = std::string("|[") + unicode::whitespace_class_body() + "]+";
    before_ws_ = std::make_unique<RE2>(translated.substr(0, translated.size() - ws_alt.size()), opt);
    if (!before_ws_->ok()) fail("{}: cannot compile regex '{}': {} (internal)", where, pattern, before_ws_->error());
  }
}

SplitRegex::~SplitRegex() = default;
SplitRegex::SplitRegex(SplitRegex&&) noexcept = default;
SplitRegex& SplitRegex::operator=(SplitRegex&&) noexcept = default;

void SplitRegex::find(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const {
  const re2::StringPiece input(text.data(), text.size());
  re2::StringPiece m;
  size_t pos = 0;
  while (pos < text.size() && re_->Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
    const size_t b = static_cast<size_t>(m.data() - text.data());
    size_t e = b + m.size();
    if (e == b) {  // an empty match splits nothing; step over one character
      size_t next = b;
      unicode::next_codepoint(text, next);
      pos = next;
      continue;
    }
    if (ws_lookahead_ && e < text.size()) {
      size_t last = e - 1;
      while (last > b && (static_cast<uint8_t>(text[last]) & 0xC0) == 0x80) --last;
      if (last > b && all_whitespace(text.substr(b, e - b)) &&
          !before_ws_->Match(input, b, text.size(), RE2::ANCHOR_START, nullptr, 0))
        e = last;
    }
    out.emplace_back(b, e);
    pos = e;
  }
}

}  // namespace grpo
