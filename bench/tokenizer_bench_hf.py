#!/usr/bin/env python3
"""HF tokenizers throughput on the same corpus as bench/tokenizer_bench.cpp, measured the same way.

Usage: tokenizer_bench_hf.py TOKENIZER_DIR CORPUS.jsonl [REPEAT=20]
Single-thread: Tokenizer.encode per text (RAYON_NUM_THREADS does not matter there);
batch: Tokenizer.encode_batch over all texts (Rayon, all cores). One untimed warm-up pass.
"""
import json
import sys
import time

import tokenizers

tok = tokenizers.Tokenizer.from_file(sys.argv[1].rstrip("/") + "/tokenizer.json")
texts = [json.loads(l)["text"] for l in open(sys.argv[2], encoding="utf-8").read().split("\n") if l.strip()]
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 20
batch = texts * repeat
nbytes = sum(len(t.encode("utf-8")) for t in batch)
for t in texts:
    tok.encode(t, add_special_tokens=False)
t0 = time.perf_counter()
for t in batch:
    tok.encode(t, add_special_tokens=False)
single = time.perf_counter() - t0
t0 = time.perf_counter()
tok.encode_batch(batch, add_special_tokens=False)
multi = time.perf_counter() - t0
print(f"hf {tokenizers.__version__} {sys.argv[1]} corpus {nbytes / repeat / 1e3:.1f} KB x{repeat}: "
      f"single-thread {nbytes / single / 1e6:.1f} MB/s, batch {nbytes / multi / 1e6:.1f} MB/s")
