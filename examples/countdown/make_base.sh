#!/usr/bin/env bash
# Stage 0 of the countdown demo: makes the tiny base model that examples/countdown/base/ ships —
# data (gen_countdown --seed 1), a random Qwen2 (model_config.json), then pre-training on the corpus
# with `grpo sft` (examples/countdown/pretrain.yaml: one epoch, every token trained). The demo ships
# its result so that `make demo` fits in ~10 minutes on 2 CPU cores; run this to re-create it (CPU:
# ~15 minutes on 2 cores; `DEVICE=cuda` on a GPU: seconds).
#   examples/countdown/make_base.sh [RUN_DIR] [OUT_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
RUN=${1:-runs/countdown}
OUT=${2:-$ROOT/examples/countdown/base}
DEVICE=${DEVICE:-cpu}
GRPO=$BUILD/grpo
"$BUILD/examples/countdown/gen_countdown" --out "$RUN/data" --seed 1
"$GRPO" init-model --config "$ROOT/examples/countdown/model_config.json" --tokenizer "$RUN/data" --out "$RUN/init" --seed 1
"$GRPO" sft --config "$ROOT/examples/countdown/pretrain.yaml" model.path="$RUN/init" model.device="$DEVICE" \
  data.path="$RUN/data/corpus.jsonl" run.output_dir="$RUN/base"
final=$(cat "$RUN/base/latest")
# Ship the weights and tokenizer only (no optimizer state): a plain Hugging Face checkpoint.
rm -rf "$OUT" && mkdir -p "$OUT"
for f in config.json generation_config.json model.safetensors tokenizer.json tokenizer_config.json; do
  cp "$RUN/base/$final/$f" "$OUT/"
done
echo "base model: $OUT (from $RUN/base/$final)"
