// Normalization forms come from utf8proc; "Replace" supports literal (String) patterns only, the
// form every HF BPE tokenizer we target uses. A Regex Replace is rejected with a clear error.
#include "src/tokenizer/normalizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "src/tokenizer/unicode.h"
#include "src/util/error.h"

namespace grpo {
namespace {

std::string utf8proc_form(std::string_view text, int options) {
  utf8proc_uint8_t* out = nullptr;
  const std::string in(text);
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(in.c_str()), in.size(), &out,
                                          static_cast<utf8proc_option_t>(options));
  if (n < 0) fail("normalizer: utf8proc failed ({}). HINT: the input is not valid UTF-8", utf8proc_errmsg(n));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> hold(out, &std::free);
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

std::string lowercase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) unicode::append_utf8(out, utf8proc_tolower(unicode::next_codepoint(text, i)));
  return out;
}

std::string replace_all(std::string_view text, const std::string& from, const std::string& to) {
  if (from.empty()) return std::string(text);
  std::string out;
  for (size_t pos = 0;;) {
    const size_t hit = text.find(from, pos);
    out.append(text.substr(pos, hit == std::string_view::npos ? std::string_view::npos : hit - pos));
    if (hit == std::string_view::npos) return out;
    out += to;
    pos = hit + from.size();
  }
}

}  // namespace

void Normalizer::add(const nlohmann::json& j, const std::string& where, std::vector<Step>& steps) {
  if (j.is_null()) return;
  const std::string type = j.value("type", "");
  if (type == "Sequence") {
    for (const auto& sub : j.at("normalizers")) add(sub, where, steps);
  } else if (type == "NFC") {
    steps.push_back({Kind::kNfc, "", ""});
  } else if (type == "NFD") {
    steps.push_back({Kind::kNfd, "", ""});
  } else if (type == "NFKC") {
    steps.push_back({Kind::kNfkc, "", ""});
  } else if (type == "NFKD") {
    steps.push_back({Kind::kNfkd, "", ""});
  } else if (type == "Lowercase") {
    steps.push_back({Kind::kLowercase, "", ""});
  } else if (type == "Prepend") {
    steps.push_back({Kind::kPrepend, "", j.at("prepend").get<std::string>()});
  } else if (type == "Replace" && j.at("pattern").contains("String")) {
    steps.push_back({Kind::kReplace, j["pattern"]["String"].get<std::string>(), j.at("content").get<std::string>()});
  } else {
    fail(
        "{}: unsupported normalizer '{}'{}. HINT: supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, "
        "Replace with a String pattern",
        where, type, type == "Replace" ? " with a Regex pattern" : "");
  }
}

Normalizer Normalizer::from_json(const nlohmann::json& j, const std::string& where) {
  Normalizer n;
  add(j, where, n.steps_);
  return n;
}

std::string Normalizer::apply(std::string_view text) const {
  std::string s(text);
  // ASCII text is already in every normalization form: skip utf8proc for it (most of English/code).
  const auto ascii = [&] {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  };
  for (const Step& st : steps_) {
    switch (st.kind) {
      case Kind::kNfc:
        if (!ascii()) s = utf8proc_form(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        break;
      case Kind::kNfd:
        if (!ascii()) s = utf8proc_form(s, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
        break;
      case Kind::kNfkc:
        if (!ascii()) s = utf8proc_form(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        break;
      case Kind::kNfkd:
        if (!ascii()) s = utf8proc_form(s, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
        break;
      case Kind::kLowercase:
        s = lowercase(s);
        break;
      case Kind::kReplace:
        s = replace_all(s, st.pattern, st.content);
        break;
      case Kind::kPrepend:
        if (!s.empty()) s = st.content + s;
        break;
    }
  }
  return s;
}

}  // namespace grpo
