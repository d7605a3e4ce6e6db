#!/usr/bin/env bash
# Rollout throughput of `grpo generate` on the GPU (issue 5's benchmark): random-weight Qwen2.5
# shapes in bf16, 128-token random prompts, exactly 512 new tokens (--ignore-eos), temperature 1,
# one completion per prompt, at several batch sizes; plus G=16 prefix sharing with 1,024-token
# prompts against 16 separate copies of each prompt. Prints the engine's own tok/s log lines.
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
    grep -E "generate: [0-9]+ tokens|host time|error" || true
}
for b in $batches; do
  prompts "$b" 128 1 > "$work/p$b.jsonl"
  run "B=$b prompt=128 new=512" "$work/p$b.jsonl" 1 512
done
prompts 16 1024 1 > "$work/shared.jsonl"
prompts 16 1024 16 > "$work/copies.jsonl"
run "G=16 prefix sharing (16 prompts x 16, prompt=1024 new=128)" "$work/shared.jsonl" 16 128
run "no sharing (256 separate prompts, prompt=1024 new=128)" "$work/copies.jsonl" 1 128
rm -rf "$work"
