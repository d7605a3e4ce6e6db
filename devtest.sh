# device call A: build everything, run the cuda tests
set -uo pipefail
eval "$(bash .devdeps/unpack.sh)"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .whl/*.whl 2>/dev/null; export PYTHONPATH=/tmp/site
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRPO_PYTHON=$(command -v python3) >/dev/null 2>&1
ninja -C build-gpu 2>&1 | grep -E "error|FAILED" -A5 | head -40
cd build-gpu && ctest -L cuda -j4 --output-on-failure 2>&1 | grep -vE "^\s*$" | tail -${TAIL:-60} | tee $OUT/ctest.txt
cd ..
B=build-gpu; W=/tmp/w; mkdir -p $W
$B/grpo init-model --preset qwen2.5-0.5b --out $W/m --seed 0 --dtype bf16 2>/dev/null
python3 -c "
import json,random
r=random.Random(0)
for _ in range(256): print(json.dumps({'ids':[r.randrange(1000,30000) for _ in range(128)]}))" > $W/p.jsonl
gen() { $B/grpo generate --model $W/m --tokenizer tests/data/tokenizers/qwen3 --prompts $W/p.jsonl --n 1 --ignore-eos --temperature 1 --seed 1 --device cuda --cache-gb 40 --output /dev/null "$@" 2>&1 | grep -E "generate:|error"; }
gen --max-new-tokens 512
GRPO_PROFILE=$OUT/gen256.txt gen --max-new-tokens 128
$B/bench/train_throughput --preset qwen2.5-0.5b --steps 5 --grad-ckpt 0 2>&1 | tail -1
GRPO_FUSED_KERNELS=0 $B/bench/train_throughput --preset qwen2.5-0.5b --steps 5 --grad-ckpt 0 2>&1 | tail -1
GRPO_PROFILE=$OUT/train05.txt $B/bench/train_throughput --preset qwen2.5-0.5b --steps 3 --grad-ckpt 0 2>&1 | tail -1
