#!/usr/bin/env bash
# `make demo`: the toy R1-Zero experiment on the CPU (examples/countdown/run.sh): a tiny base model that
# the toolkit pre-trained from scratch, evaluated on held-out Countdown tasks, trained with R1-Zero GRPO
# (accuracy + format rewards), evaluated again; ends with the before/after table and the HTML report.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
"$build/grpo" --version
BUILD=$(cd "$build" && pwd) bash "$root/examples/countdown/run.sh" "${RUN_DIR:-runs/countdown}" "${SEED:-1}"
