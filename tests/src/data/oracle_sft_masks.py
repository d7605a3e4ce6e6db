#!/usr/bin/env python3
"""Oracle for tests/src/data/sft_example_test.cpp: assistant-token masks of chat conversations by HF
transformers' apply_chat_template(return_assistant_tokens_mask=True), on the Qwen3 tokenizer.

Qwen3's shipped template has no {% generation %} markers (transformers then returns an all-zero
mask), so this script adds them the way TRL's training templates do: from after
"<|im_start|>assistant\\n" through "<|im_end|>" of each assistant turn (the newline after it is not
generation). Writes argv[1]/sft/qwen3_masks.json: [{"messages", "input_ids", "assistant_masks"}].
"""
import json
import os
import sys

import transformers

OUT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else os.environ["GRPO_TESTDATA"], "sft")
HERE = os.path.dirname(os.path.abspath(__file__))
TOK_DIR = os.path.join(HERE, "..", "..", "data", "tokenizers", "qwen3")

CONVERSATIONS = [
    [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "<think>\nadd\n</think>\n\n4"}],
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
     {"role": "assistant", "content": "<think>\nold reasoning\n</think>\n\nHello!"},
     {"role": "user", "content": "Bye?"}, {"role": "assistant", "content": "Bye."}],
    [{"role": "user", "content": "列出三种颜色"}, {"role": "assistant", "content": "红、绿、蓝。"},
     {"role": "user", "content": "再来一种"}, {"role": "assistant", "content": "  黄 \n"}],
    [{"role": "user", "content": "x = 3; y = x * 2 ->"}, {"role": "assistant", "content": "\n y = 6"}],
]


def marked_template(template):
    # Generation blocks must close inside the if-branch that opens them: one block around each
    # content output and one around the closing <|im_end|>; transformers' mask is their union.
    think = ("{{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + "
             "'\\n</think>\\n\\n' + content.lstrip('\\n') }}")
    plain = "{{- '<|im_start|>' + message.role + '\\n' + content }}"
    end = "{%- endif %}\n        {{- '<|im_end|>\\n' }}\n    {%- elif message.role == \"tool\" %}"
    assert template.count(think) == 1 and template.count(plain) == 2 and template.count(end) == 1, \
        "unexpected Qwen3 template"
    opened = "{{- '<|im_start|>' + message.role + '\\n' }}{%- generation %}"
    template = template.replace(think, opened + "{{- '" + think[think.index("<think>"):] + "{%- endgeneration %}")
    template = template.replace(plain, opened + "{{- content }}{%- endgeneration %}")
    return template.replace(end, "{%- endif %}\n        {%- generation %}{{- '<|im_end|>' }}{%- endgeneration %}"
                                 "{{- '\\n' }}\n    {%- elif message.role == \"tool\" %}")


def main():
    tok = transformers.AutoTokenizer.from_pretrained(TOK_DIR)
    template = marked_template(tok.chat_template)
    rows = []
    for messages in CONVERSATIONS:
        out = tok.apply_chat_template(messages, chat_template=template, tokenize=True, return_dict=True,
                                      return_assistant_tokens_mask=True)
        plain = tok.apply_chat_template(messages, tokenize=False)
        marked = tok.apply_chat_template(messages, chat_template=template, tokenize=False)
        assert plain == marked, "the markers changed the rendering"
        assert sum(out["assistant_masks"]) > 0
        rows.append({"messages": messages, "input_ids": list(out["input_ids"]),
                     "assistant_masks": list(out["assistant_masks"])})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "qwen3_masks.json"), "w") as f:
        json.dump({"rows": rows, "versions": {"transformers": transformers.__version__}}, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
