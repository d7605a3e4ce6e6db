#!/usr/bin/env bash
# GRPO step time on the GPU (issue 7's observability numbers): a random-weight Qwen2.5 preset in bf16,
# math-style prompts through the R1-Zero template, B prompts x G completions of up to N new tokens
# (random weights rarely stop, so nearly every completion runs to the cap), accuracy + format rewards,
# beta > 0 (reference model forward included). Prints the per-step timing split from metrics.jsonl.
# Usage: bash bench/grpo_step.sh BUILD_DIR PRESET PROMPTS G MAX_NEW_TOKENS [STEPS] [extra overrides...]
set -euo pipefail
build=$1; preset=$2; prompts=$3; G=$4; new=$5; steps=${6:-3}; shift $(( $# < 6 ? $# : 6 ))
work=$(mktemp -d)
"$build/grpo" init-model --preset "$preset" --out "$work/model" --seed 0 --dtype bf16 2>/dev/null
cp "$(dirname "$0")"/../tests/data/tokenizers/qwen3/tokenizer*.json "$work/model/"
python3 - "$work/data.jsonl" <<'PY'
import json, random, sys
rng = random.Random(0)
with open(sys.argv[1], "w") as f:
    for _ in range(512):
        a, b = rng.randrange(100, 999), rng.randrange(100, 999)
        f.write(json.dumps({"prompt": f"What is {a} + {b}? Show your reasoning.", "answer": str(a + b)}) + "\n")
PY
cat > "$work/cfg.yaml" <<YAML
model: {path: $work/model, dtype: bf16, device: cuda}
data: {path: $work/data.jsonl, template: r1_zero}
rollout: {batch_size: $((prompts * G)), num_generations: $G, max_new_tokens: $new, temperature: 1.0, sync_interval: 8}
algorithm: {loss_type: grpo, beta: 0.001}
optim: {lr: 1.0e-6}
run: {output_dir: $work/run, steps: $steps, save_every: 0, micro_batch_tokens: 16384, tensorboard: false}
log: {sample_every: 0}
rewards: {functions: [{name: accuracy_math}, {name: format}]}
YAML
"$build/grpo" train --config "$work/cfg.yaml" "$@" 2>&1 | grep -E "error|final" || true
python3 - "$work/run/metrics.jsonl" <<'PY'
import json, sys
keys = ["time/step_s", "time/rollout_s", "time/reward_s", "time/ref_s", "time/update_s", "num_tokens",
        "completions/mean_length", "tokens_per_s"]
print("step " + " ".join(k.split("/")[-1].rjust(12) for k in keys))
for line in open(sys.argv[1]):
    m = json.loads(line)
    print(f"{m['step']:>4} " + " ".join(f"{m.get(k, float('nan')):12.2f}" for k in keys))
PY
rm -rf "$work"
