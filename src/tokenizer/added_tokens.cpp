// find_matches of HF AddedVocabulary: leftmost-longest matches; a single_word token needs non-word
// characters (or the text edge) on both sides; lstrip/rstrip widen the match over Unicode
// whitespace (never back past the previous match).
#include "src/tokenizer/added_tokens.h"

#include <utf8proc.h>

#include "src/tokenizer/unicode.h"

namespace grpo {
namespace {

bool is_word_char(uint32_t cp) {  // regex \w: alphanumeric, marks, connector punctuation
  const auto c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ND) || c == UTF8PROC_CATEGORY_NL ||
         c == UTF8PROC_CATEGORY_NO || c == UTF8PROC_CATEGORY_PC;
}

// Code point that ends at text[end] (exclusive), and its start offset.
uint32_t prev_codepoint(std::string_view text, size_t end, size_t& start) {
  start = end - 1;
  while (start > 0 && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) --start;
  size_t i = start;
  return unicode::next_codepoint(text, i);
}

}  // namespace

void AddedTokenMatcher::add(const AddedToken& token) {
  if (token.content.empty()) return;
  int node = 0;
  for (unsigned char c : token.content) {
    auto it = children_[node].find(c);
    if (it == children_[node].end()) {
      children_.emplace_back();
      terminal_.push_back(-1);
      it = children_[node].emplace(c, int(children_.size()) - 1).first;
    }
    node = it->second;
  }
  if (terminal_[node] >= 0) {
    tokens_[terminal_[node]] = token;  // a later definition of the same content wins
  } else {
    terminal_[node] = int(tokens_.size());
    tokens_.push_back(token);
  }
  first_byte_[static_cast<unsigned char>(token.content[0])] = true;
}

int AddedTokenMatcher::longest_at(std::string_view text, size_t pos, size_t& len) const {
  int node = 0, best = -1;
  for (size_t i = pos; i < text.size(); ++i) {
    auto it = children_[node].find(static_cast<uint8_t>(text[i]));
    if (it == children_[node].end()) break;
    node = it->second;
    if (terminal_[node] >= 0) best = terminal_[node], len = i + 1 - pos;
  }
  return best;
}

std::vector<Segment> AddedTokenMatcher::split(std::string_view text) const {
  std::vector<Segment> out;
  size_t done = 0;  // end of the last emitted segment
  for (size_t pos = 0; pos < text.size();) {
    size_t len = 0;
    const int t = first_byte_[static_cast<uint8_t>(text[pos])] ? longest_at(text, pos, len) : -1;
    if (t < 0) {
      ++pos;
      continue;
    }
    const AddedToken& tok = tokens_[t];
    size_t b = pos, e = pos + len;
    pos = e;  // matching resumes after the raw match, as the Aho-Corasick iterator does
    if (tok.single_word) {
      size_t s;
      const bool left_ok = b == 0 || !is_word_char(prev_codepoint(text, b, s));
      size_t i = e;
      const bool right_ok = e == text.size() || !is_word_char(unicode::next_codepoint(text, i));
      if (!left_ok || !right_ok) continue;
    }
    if (tok.lstrip) {
      size_t s;
      while (b > done && unicode::is_whitespace(prev_codepoint(text, b, s))) b = s;
    }
    if (tok.rstrip) {
      for (size_t i = e; i < text.size();) {
        if (!unicode::is_whitespace(unicode::next_codepoint(text, i))) break;
        e = i;
      }
    }
    if (b > done) out.push_back({done, b, -1});
    out.push_back({b, e, tok.id});
    done = e;
    pos = std::max(pos, e);
  }
  if (done < text.size()) out.push_back({done, text.size(), -1});
  return out;
}

}  // namespace grpo
