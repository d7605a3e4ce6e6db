// Escaping of untrusted text (completions, prompts, config, metric names) for HTML and XML text and
// attribute values. Used by svg_chart.cpp and html_report.cpp; does not touch whitespace.
#pragma once
#include <string>
#include <string_view>

namespace grpo {

// & < > " ' -> &amp; &lt; &gt; &quot; &#39; (the five XML-safe forms; no named HTML entities, so the
// page stays well-formed XML). Bytes of invalid UTF-8 and control characters other than tab,
// newline and carriage return become U+FFFD, which XML 1.0 and browsers both accept.
std::string html_escape(std::string_view text);

}  // namespace grpo
