#!/usr/bin/env python3
"""Reference data for tests/src/tokenizer: HF `tokenizers` ids and transformers chat-template renderings.

Reads tests/data/tokenizer_corpus.jsonl and tests/data/tokenizers/{qwen3,deepseek_v3}; loads only from
those local directories (no hub). Writes into argv[1]/tokenizer/:
  NAME_ids.jsonl   {"text", "ids" (no special tokens), "ids_special" (transformers, add_special_tokens=True),
                    "decoded" (tokenizers decode of ids), "tokens_version"}
  NAME_chat.jsonl  {"messages", "add_generation_prompt", "rendered"[, "extra" template variables]}
"""
import json
import os
import pathlib
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
import tokenizers  # noqa: E402
import transformers  # noqa: E402

ROOT = pathlib.Path(os.environ.get("GRPO_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[3]))
OUT = pathlib.Path(sys.argv[1]) / "tokenizer"
OUT.mkdir(parents=True, exist_ok=True)
corpus = [json.loads(l)["text"] for l in (ROOT / "tests/data/tokenizer_corpus.jsonl").read_text(encoding="utf-8").split("\n") if l.strip()]
# Long inputs (not in the corpus file, which the benchmark also reads): pieces past the word cache's
# size limit, a 100k-letter word for the merge heap, long whitespace and emoji runs.
corpus += ["a" * 100000, " " * 50000 + "x", "\n" * 3000 + "end", "\U0001F600" * 3000, ("word " * 2000).strip(),
           "1234567890" * 500]

CONVERSATIONS = [
    [{"role": "user", "content": "What is 2+2?"}],
    [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
     {"role": "assistant", "content": "Hello! How can I help?"}, {"role": "user", "content": "Add 3 and 4."}],
    [{"role": "user", "content": "Solve x+1=3."},
     {"role": "assistant", "content": "<think>\nSubtract 1.\n</think>\n\nx = 2"},
     {"role": "user", "content": "And x+2=3?"}, {"role": "assistant", "content": "x = 1"}],
    [{"role": "user", "content": "多语言 тест 🌍\n\nline two"}, {"role": "assistant", "content": "  spaced  \n"}],
    [{"role": "system", "content": "sys one"}, {"role": "system", "content": "sys two"}, {"role": "user", "content": "q"}],
    [{"role": "user", "content": ""}],
]

for name in ("qwen3", "deepseek_v3"):
    d = ROOT / "tests/data/tokenizers" / name
    tk = tokenizers.Tokenizer.from_file(str(d / "tokenizer.json"))
    tf = transformers.AutoTokenizer.from_pretrained(str(d), local_files_only=True)
    with open(OUT / f"{name}_ids.jsonl", "w", encoding="utf-8") as f:
        for text in corpus:
            ids = tk.encode(text, add_special_tokens=False).ids
            # The reference is `tokenizers` (what tokenizer.json means). transformers should agree;
            # some releases do not (5.17 splits DeepSeek-V3 contractions differently): say so, go on.
            if ids != tf(text, add_special_tokens=False)["input_ids"]:
                print(f"warning: transformers {transformers.__version__} disagrees with tokenizers on {name}: {text[:40]!r}",
                      file=sys.stderr)
            row = {"text": text, "ids": ids, "ids_special": tf(text, add_special_tokens=True)["input_ids"],
                   "decoded": tk.decode(ids, skip_special_tokens=False),
                   "decoded_skip": tk.decode(ids, skip_special_tokens=True),
                   "tokens_version": tokenizers.__version__}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(OUT / f"{name}_chat.jsonl", "w", encoding="utf-8") as f:
        for conv in CONVERSATIONS:
            for agp in (False, True):
                rendered = tf.apply_chat_template(conv, tokenize=False, add_generation_prompt=agp)
                f.write(json.dumps({"messages": conv, "add_generation_prompt": agp, "rendered": rendered},
                                   ensure_ascii=False) + "\n")
    if name == "qwen3":  # template variables beyond messages: enable_thinking, tools, tool calls
        tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather of a city",
                  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
        tool_conv = [{"role": "user", "content": "Weather in Paris?"},
                     {"role": "assistant", "content": "", "tool_calls": [
                         {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
                     {"role": "tool", "content": "{\"temp\": 21}"}]
        extras = [({"enable_thinking": False}, CONVERSATIONS[1]), ({"tools": tools}, CONVERSATIONS[0]),
                  ({"tools": tools}, tool_conv)]
        with open(OUT / f"{name}_chat.jsonl", "a", encoding="utf-8") as f:
            for extra, conv in extras:
                rendered = tf.apply_chat_template(conv, tokenize=False, add_generation_prompt=True, **extra)
                f.write(json.dumps({"messages": conv, "add_generation_prompt": True, "extra": extra,
                                    "rendered": rendered}, ensure_ascii=False) + "\n")
    meta = {"bos_id": tf.bos_token_id, "eos_id": tf.eos_token_id, "pad_id": tf.pad_token_id, "vocab_size": len(tf)}
    (OUT / f"{name}_meta.json").write_text(json.dumps(meta))
print("oracle_tokenizer: wrote", OUT)
