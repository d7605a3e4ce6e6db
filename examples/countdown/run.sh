#!/usr/bin/env bash
# Toy R1-Zero on a CPU (issue #9, docs/experiments.md): the countdown tasks, the shipped tiny base model
# (examples/countdown/base, pre-trained from scratch by make_base.sh), an eval of the base, R1-Zero GRPO
# with accuracy + format rewards (configs/countdown_tiny_cpu.yaml), an eval after RL, and the HTML report.
# About 5 minutes on 2 cores.
#   examples/countdown/run.sh [RUN_DIR] [SEED]          (default runs/countdown, seed 1)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
RUN=${1:-runs/countdown}
SEED=${2:-1}
BASE=${BASE:-$ROOT/examples/countdown/base}
GRPO=$BUILD/grpo
source "$ROOT/examples/countdown/common.sh"
REWARDS=$ROOT/examples/countdown/rewards.yaml
EVAL_FLAGS=(--data "$RUN/data/eval.jsonl" --rewards "$REWARDS" --template r1_zero --k 8 --temperature 1.0
            --max-new-tokens 128 --seed 7)

echo "== data: countdown tasks (train/eval disjoint) and the tokenizer"
"$BUILD/examples/countdown/gen_countdown" --out "$RUN/data" --seed 1 > /dev/null
echo "== eval of the base model (held-out tasks, pass@1 over 8 samples at temperature 1)"
"$GRPO" eval --model "$BASE" "${EVAL_FLAGS[@]}" --label base --output "$RUN/grpo/eval/base.json" > /dev/null
echo "== R1-Zero GRPO (seed $SEED)"
"$GRPO" train --config "$ROOT/configs/countdown_tiny_cpu.yaml" model.path="$BASE" data.path="$RUN/data/train.jsonl" \
  run.output_dir="$RUN/grpo" run.seed="$SEED" 2> >(grep -v "^  \|^[a-z_]*:$\|^resolved config" >&2) > /dev/null
final=$RUN/grpo/$(cat "$RUN/grpo/latest")
echo "== eval after RL"
"$GRPO" eval --model "$final" "${EVAL_FLAGS[@]}" --label grpo --output "$RUN/grpo/eval/grpo.json" > /dev/null
"$GRPO" report --run "$RUN/grpo" > /dev/null
countdown_table "$RUN/grpo/eval" base grpo
echo "report: $RUN/grpo/report.html"
