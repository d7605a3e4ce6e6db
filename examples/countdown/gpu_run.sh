#!/usr/bin/env bash
# The countdown R1-Zero experiment at GPU scale (issue #9, docs/experiments.md "GPU run (H100)"), one command
# of ~3.5 minutes on one H100 (measured: 209-223 s): data (100,000 corpus texts), a 25M-parameter Qwen2 made from random weights
# (model_config_gpu.json) and pre-trained with `grpo sft` (pretrain_gpu.yaml), an eval of that base, R1-Zero
# GRPO with accuracy + format rewards (configs/countdown_gpu.yaml, 64 prompts x 8), an eval after RL, the report.
#   examples/countdown/gpu_run.sh [RUN_DIR] [SEED]       (default runs/countdown_gpu, seed 1; RUN_DIR must be new)
# Environment: BUILD (default build), DEVICE (cuda), PRETRAIN_EPOCHS (3), RL_STEPS (200), CORPUS (100000),
# MODEL_CONFIG (model_config_gpu.json), CACHE_GB (20), COPY_TO (a folder that gets the small result files),
# PRETRAIN_ARGS / RL_ARGS (more key=value overrides of the sft / train config), SMOKE=1 (DEVICE cpu): every
# stage with tiny sizes in fp32 on the 1M model of model_config.json (a 1-3 minute check of this script on a CPU).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
RUN=${1:-runs/countdown_gpu}
SEED=${2:-1}
SMOKE=${SMOKE:-0}
if [[ $SMOKE == 1 ]]; then DEVICE=${DEVICE:-cpu}; else DEVICE=${DEVICE:-cuda}; fi
GRPO=$BUILD/grpo
HERE=$ROOT/examples/countdown
source "$HERE/common.sh"

if [[ -e $RUN && -n $(ls -A "$RUN") ]]; then
  echo "gpu_run.sh: $RUN exists and is not empty. HINT: give a new RUN_DIR, or remove it (rm -rf $RUN)" >&2
  exit 2
fi
if [[ $SMOKE == 1 ]]; then
  # Every stage, scaled down so that it ends in minutes on a CPU: a few steps of each kind.
  MODEL_CONFIG=${MODEL_CONFIG:-$HERE/model_config.json}  # the CPU demo's 1M model: the 25M one takes ~10 min here
  DTYPE=fp32 CACHE_GB=${CACHE_GB:-1} CORPUS=${CORPUS:-2000} EVAL_LIMIT=${EVAL_LIMIT:-16} EVAL_K=${EVAL_K:-4}
  PRETRAIN_SIZE=(data.epochs=0 "run.steps=${PRETRAIN_STEPS:-8}" batch.examples_per_step=32 run.micro_batch_tokens=4096)
  RL_SIZE=("run.steps=${RL_STEPS:-3}" rollout.batch_size=32 rollout.max_new_tokens=64 run.micro_batch_tokens=4096)
else
  MODEL_CONFIG=${MODEL_CONFIG:-$HERE/model_config_gpu.json}
  DTYPE=bf16 CACHE_GB=${CACHE_GB:-20} CORPUS=${CORPUS:-100000} EVAL_LIMIT=0 EVAL_K=8
  PRETRAIN_SIZE=("data.epochs=${PRETRAIN_EPOCHS:-3}")
  RL_SIZE=("run.steps=${RL_STEPS:-200}")
fi
read -r -a PRETRAIN_EXTRA <<< "${PRETRAIN_ARGS:-}"
read -r -a RL_EXTRA <<< "${RL_ARGS:-}"
STAGE_LOGS=$RUN/logs
STAGE_TIMINGS=$RUN/timings.txt
RUN_T0=$(date +%s.%N)
BASE=$RUN/base_model       # -> base/checkpoint-N, the pre-trained model
DEV_FLAGS=(model.device="$DEVICE" model.dtype="$DTYPE")
EVAL_FLAGS=(--data "$RUN/data/eval.jsonl" --rewards "$HERE/rewards.yaml" --template r1_zero --k "$EVAL_K"
            --temperature 1.0 --max-new-tokens 128 --seed 7 --limit "$EVAL_LIMIT" --device "$DEVICE" --dtype "$DTYPE"
            --cache-gb "$CACHE_GB")
if [[ ! -x $GRPO || ! -x $BUILD/examples/countdown/gen_countdown ]]; then
  echo "gpu_run.sh: no $GRPO or gen_countdown. HINT: build first (make build; scripts/gpu-build.sh on the GPU machine), or set BUILD" >&2
  exit 2
fi
VERSION=$("$GRPO" --version)
if [[ $DEVICE == cuda* && $VERSION != *"CUDA: yes"* ]]; then
  echo "gpu_run.sh: DEVICE=$DEVICE but $VERSION. HINT: run on a GPU machine, or check the script with DEVICE=cpu SMOKE=1" >&2
  exit 2
fi
mkdir -p "$RUN/logs"
echo "countdown GPU run: $RUN, seed $SEED, device $DEVICE ($DTYPE), $VERSION"

make_data() {  # its stdout is stats.json again
  "$BUILD/examples/countdown/gen_countdown" --out "$RUN/data" --seed 1 --corpus "$CORPUS" > /dev/null
  echo "$(wc -l < "$RUN/data/train.jsonl") train / $(wc -l < "$RUN/data/eval.jsonl") eval tasks," \
    "$(wc -l < "$RUN/data/corpus.jsonl") corpus texts: $RUN/data (stats.json)"
}
init_model() {
  "$GRPO" init-model --config "$MODEL_CONFIG" --tokenizer "$RUN/data" --out "$RUN/init" --seed 1
}
pretrain() {
  "$GRPO" sft --config "$HERE/pretrain_gpu.yaml" "${DEV_FLAGS[@]}" model.path="$RUN/init" \
    data.path="$RUN/data/corpus.jsonl" run.output_dir="$RUN/base" "${PRETRAIN_SIZE[@]}" "${PRETRAIN_EXTRA[@]}"
  ln -sfn "base/$(cat "$RUN/base/latest")" "$BASE"
  echo "pretrain: $(metrics_summary "$RUN/base/metrics.jsonl" loss tokens_per_s)"
}
eval_model() {  # eval_model MODEL LABEL
  "$GRPO" eval --model "$1" "${EVAL_FLAGS[@]}" --label "$2" --output "$RUN/grpo/eval/$2.json"
}
grpo_train() {
  "$GRPO" train --config "$ROOT/configs/countdown_gpu.yaml" "${DEV_FLAGS[@]}" rollout.cache_gb="$CACHE_GB" \
    model.path="$BASE" data.path="$RUN/data/train.jsonl" run.output_dir="$RUN/grpo" run.seed="$SEED" \
    "${RL_SIZE[@]}" "${RL_EXTRA[@]}"
  echo "grpo: $(metrics_summary "$RUN/grpo/metrics.jsonl" reward accuracy format_rate completions/mean_length \
    time/step_s time/rollout_s time/update_s)"
}

# COPY_TO (e.g. the device machine's $OUT): the small result files are copied there after every stage and at
# exit, so that a run cut off by a time limit still returns its logs, timings and finished evals.
copy_results() {
  [[ -n ${COPY_TO:-} ]] || return 0
  mkdir -p "$COPY_TO"
  local f
  for f in timings.txt logs data/stats.json base/metrics.jsonl grpo/config.yaml grpo/metrics.jsonl grpo/samples.jsonl \
           grpo/eval grpo/report.html; do
    if [[ -e $RUN/$f ]]; then (cd "$RUN" && cp -r --parents "$f" "$COPY_TO/"); fi
  done
}
trap copy_results EXIT
stage() { run_stage "$@"; copy_results; }

stage data make_data
stage init init_model
stage pretrain pretrain
stage eval_base eval_model "$BASE" base
stage grpo grpo_train
stage eval_grpo eval_model "$RUN/grpo/$(cat "$RUN/grpo/latest")" grpo
stage report "$GRPO" report --run "$RUN/grpo"
printf "%-12s %8s s\n" total "$(awk -v a="$RUN_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" \
  >> "$STAGE_TIMINGS"

echo "== results (held-out tasks: $RUN/grpo/eval/*.json; stage times: $STAGE_TIMINGS)"
countdown_table "$RUN/grpo/eval" base grpo
cat "$STAGE_TIMINGS"
echo "report: $RUN/grpo/report.html"
