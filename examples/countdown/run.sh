#!/usr/bin/env bash
# Toy R1-Zero on a CPU (issue #9, docs/countdown.md): data, a tiny base model pre-trained from
# scratch, then GRPO with accuracy + format rewards. DRAFT: the data and init stages run today;
# stages 0-2 are comments until `grpo sft` and `grpo train` exist (their flags here are guesses).
#   examples/countdown/run.sh [RUN_DIR]        (default runs/countdown; ~10 min on 2 cores is the goal)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
RUN=${1:-runs/countdown}
GRPO=$BUILD/grpo
mkdir -p "$RUN"

# Data: tasks (train/eval), the pre-training corpus (train tasks only) and the tokenizer.
"$BUILD/examples/countdown/gen_countdown" --out "$RUN/data" --seed 1

# A random ~1M-parameter Qwen2 with that tokenizer.
"$GRPO" init-model --config "$ROOT/examples/countdown/model_config.json" --tokenizer "$RUN/data" \
  --out "$RUN/init" --seed 1

# Stage 0: pre-train on the corpus (next-token loss on whole texts), e.g.
#   "$GRPO" sft --model "$RUN/init" --data "$RUN/data/corpus.jsonl" --text-field text \
#     --output-dir "$RUN/base" --epochs 1 --lr 3e-3 --batch-size 32 --max-length 256
# Stage 1: baseline eval of the base model (pass@1 and format rate on eval.jsonl), e.g.
#   "$GRPO" eval --model "$RUN/base" --data "$RUN/data/eval.jsonl" --template r1_zero \
#     --rewards "$ROOT/examples/countdown/rewards.yaml" --output "$RUN/eval/base.json" --label base
# Stage 2: R1-Zero GRPO on train.jsonl with the r1_zero template and rewards.yaml, then eval again:
#   "$GRPO" train --config <a recipe with model: $RUN/base, data: $RUN/data/train.jsonl,
#     template: r1_zero, rewards: examples/countdown/rewards.yaml, group size 8, max_new_tokens 128 (completions in the corpus: mean 59, max 121 tokens)>
#   "$GRPO" eval --model "$RUN/grpo/latest" ... --output "$RUN/eval/grpo.json" --label grpo
