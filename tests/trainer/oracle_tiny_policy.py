#!/usr/bin/env python3
"""Fixture for the GRPO trainer tests: a tiny random Qwen2 policy made by HF transformers with a
byte-level tokenizer made by HF tokenizers (256 byte tokens, no merges, eos <|endoftext|> = 256).

Writes argv[1]/trainer/tiny_policy/: config.json, model.safetensors, generation_config.json,
tokenizer.json, tokenizer_config.json. Small enough that a GRPO step takes well under a second on CPU.
"""
import json
import os
import sys

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers
from tokenizers.pre_tokenizers import ByteLevel

OUT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else os.environ["GRPO_TESTDATA"], "trainer", "tiny_policy")
os.makedirs(OUT, exist_ok=True)

byte_chars = ByteLevel.alphabet()  # the 256 printable stand-ins for bytes
# Order by the byte each stands for, so that id == byte value (readable in failures).
table = {}
bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
cs = bs[:]
n = 0
for b in range(256):
    if b not in bs:
        bs.append(b)
        cs.append(256 + n)
        n += 1
for b, c in zip(bs, cs):
    table[chr(c)] = b
assert set(table) == set(byte_chars)
tok = Tokenizer(models.BPE(vocab=dict(table), merges=[]))
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
tok.decoder = decoders.ByteLevel()
tok.add_special_tokens(["<|endoftext|>"])
tok.save(os.path.join(OUT, "tokenizer.json"))
with open(os.path.join(OUT, "tokenizer_config.json"), "w") as f:
    json.dump({"eos_token": "<|endoftext|>", "tokenizer_class": "PreTrainedTokenizerFast"}, f)

torch.manual_seed(0)
config = transformers.Qwen2Config(vocab_size=264, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                                  tie_word_embeddings=True, eos_token_id=256, bos_token_id=256, rms_norm_eps=1e-6)
model = transformers.Qwen2ForCausalLM(config)
model.save_pretrained(OUT, safe_serialization=True)
assert tok.encode("ab1").ids == [ord("a"), ord("b"), ord("1")]
print("wrote", OUT)
