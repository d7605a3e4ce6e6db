// Evaluator of the chat-template interpreter: renders a parsed template with Python/Jinja2
// semantics, and the built-in filters, tests, methods and globals HF chat templates use
// (jinja_builtins.cpp). Errors are grpo::Error naming the construct and template position.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "src/tokenizer/jinja_ast.h"

namespace grpo::jinja {

// Renders body; globals are the top-level variables (messages, add_generation_prompt, ...).
std::string render(const Body& body, const std::string& tmpl,
                   const std::vector<std::pair<std::string, Value>>& globals);

// Built-ins. They throw std::invalid_argument with a short reason; the evaluator adds the position.
Value apply_filter(const std::string& name, const Value& x, Args& args, Kwargs& kwargs);
bool apply_test(const std::string& name, const Value& x, const Args& args);
Value get_attribute(const Value& obj, const std::string& name);  // dict key, or a bound method
Value global_function(const std::string& name);                  // undefined when unknown

}  // namespace grpo::jinja
