#!/usr/bin/env bash
# `make demo`: a CPU walk through the pieces of an R1-Zero step that exist today —
# a checkpoint, a group of completions under the R1-Zero template, and rule-based rewards.
# The countdown R1-Zero training experiment replaces this once the trainer lands.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grpo="$build/grpo"

"$grpo" --version
echo
echo "1. A randomly initialised tiny Qwen2-architecture checkpoint (Qwen vocabulary) in Hugging Face format:"
"$grpo" init-model --config "$root/examples/demo/tiny_config.json" --out "$work/model" --seed 0
ls "$work/model"
echo
echo "2. A group of G=4 completions per prompt under the R1-Zero template (random weights: noise text):"
"$grpo" generate --model "$work/model" --tokenizer "$root/tests/data/tokenizers/qwen3" \
  --prompts "$root/examples/demo/prompts.jsonl" --template r1_zero --n 4 --max-new-tokens 24 --seed 0 \
  --device cpu --output "$work/completions.jsonl"
grep -o "\"prompt_index\":[0-9]*,\"sample_index\":[0-9]*,\"text\":\"[^\"]\{0,60\}" "$work/completions.jsonl" | head -4
echo
echo "3. Rewards of hand-written completions (accuracy_math + strict think/answer format):"
"$grpo" reward --config "$root/examples/demo/rewards.yaml" --input "$root/examples/demo/samples.jsonl" |
  cut -c1-160
