#!/usr/bin/env bash
# Rollout throughput of `grpo generate` on the GPU (issue 5's benchmark): random-weight Qwen2.5
# shapes in bf16, 128-token random prompts, exactly 512 new tokens (--ignore-eos), temperature 1,
# one completion per prompt, at several batch sizes, each with its fraction of the memory roofline
# (bench/copy_bandwidth measures the denominator); plus G=16 prefix sharing with 1,024-token prompts
# against 16 separate copies of each prompt. Prints the engine's own tok/s log lines.
# With GRPO_LOG=debug it also prints the host time in prefill, decode and sync.
# Usage: [GEN_FLAGS="--no-cuda-graphs"] bash bench/rollout_throughput.sh BUILD_DIR PRESET "B1 B2 ..." [CACHE_GB]
set -euo pipefail
build=$1; preset=$2; batches=$3; cache_gb=${4:-40}
work=$(mktemp -d)
"$build/grpo" init-model --preset "$preset" --out "$work/model" --seed 0 --dtype bf16 2>/dev/null
tok=$(dirname "$0")/../tests/data/tokenizers/qwen3
prompts() {  # N prompts of L random ids in [1000, 30000) ; $3: copies of each
  python3 - "$@" <<'PY'
import json, random, sys
n, length, copies = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(0)
for _ in range(n):
    ids = [rng.randrange(1000, 30000) for _ in range(length)]
    for _ in range(copies):
        print(json.dumps({"ids": ids}))
PY
}
run() {  # label, prompts file, n, max_new_tokens
  echo "== $preset $1"
  "$build/grpo" generate --model "$work/model" --tokenizer "$tok" --prompts "$2" --n "$3" --max-new-tokens "$4" \
    --ignore-eos --temperature 1 --seed 1 --device cuda --cache-gb "$cache_gb" --output /dev/null ${GEN_FLAGS:-} 2>&1 |
    grep -E "generate: [0-9]+ tokens|host time|error" | tee "$work/last.log" || true
}
# The issue's roofline: a decode step reads every weight once plus the KV cache of B sequences at their mean
# context (prompt + new/2 keys); its time at the measured copy bandwidth, against the measured time per new
# token of the whole run (prefill included).
copy_tbs=$("$build/bench/copy_bandwidth" 2>/dev/null | tail -1 || true)
roofline() {  # batch, prompt length, new tokens
  [ -n "$copy_tbs" ] || return 0
  python3 - "$work/model" "$work/last.log" "$copy_tbs" "$@" <<'PY'
import glob, json, os, re, sys
model, log, tbs, b, prompt, new = sys.argv[1], sys.argv[2], float(sys.argv[3]), *map(int, sys.argv[4:])
c = json.load(open(os.path.join(model, "config.json")))
weights = sum(os.path.getsize(f) for f in glob.glob(os.path.join(model, "*.safetensors")))
head_dim = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
kv = b * (prompt + new / 2) * c["num_hidden_layers"] * c["num_key_value_heads"] * head_dim * 2 * 2
text = open(log).read()
m = re.search(r"in ([0-9.]+) s", text)
if m:
    step = float(m.group(1)) / new
    ideal = (weights + kv) / (tbs * 1e12)
    line = (f"roofline B={b}: {(weights + kv) / 1e9:.2f} GB per step, {ideal * 1e3:.2f} ms at {tbs:.2f} TB/s copy; "
            f"measured {step * 1e3:.2f} ms per step (prefill included): {100 * ideal / step:.1f}%")
    p = re.search(r"prefill ([0-9.]+) s, decode [0-9.]+ s \(([0-9]+) steps\)", text)   # GRPO_LOG=debug
    if p:
        decode = (float(m.group(1)) - float(p.group(1))) / int(p.group(2))
        line += f"; decode steps alone {decode * 1e3:.2f} ms: {100 * ideal / decode:.1f}%"
    print(line)
PY
}
for b in $batches; do
  prompts "$b" 128 1 > "$work/p$b.jsonl"
  run "B=$b prompt=128 new=512" "$work/p$b.jsonl" 1 512
  roofline "$b" 128 512
done
prompts 16 1024 1 > "$work/shared.jsonl"
prompts 16 1024 16 > "$work/copies.jsonl"
run "G=16 prefix sharing (16 prompts x 16, prompt=1024 new=128)" "$work/shared.jsonl" 16 128
run "no sharing (256 separate prompts, prompt=1024 new=128)" "$work/copies.jsonl" 1 128
rm -rf "$work"
