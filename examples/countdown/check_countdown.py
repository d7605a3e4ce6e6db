#!/usr/bin/env python3
"""CTest check of examples/countdown/gen_countdown against independent oracles.

usage: check_countdown.py GEN_COUNTDOWN GRPO_BINARY WORKDIR

- determinism: the same seed and flags give byte-identical files; another seed gives other tasks;
- splits: no task (sorted numbers + target) in both train and eval, none twice; the prompt text;
  every kept `solution` uses each number once and equals the target (Python Fractions over the
  expression's syntax tree), and `grpo reward` (the C++ countdown + format rewards) scores it 1;
- corpus: every text is the R1-Zero template over a TRAIN task (never eval), then a completion,
  then eos once at the end; the fraction right / tagged / reflected, judged here in Python, is
  near the knobs, and equals what gen_countdown put in stats.json and what `grpo reward` gives;
- tokenizer: HF `tokenizers` and transformers.AutoTokenizer give the same ids as `grpo tokenize`
  (our Tokenizer) on corpus texts and odd strings; eos is id 0; decode round-trips;
- model: model_config.json matches the tokenizer; `grpo init-model` + `grpo generate --template
  r1_zero` run with it;
- errors: bad flags fail with exit code 1 and a HINT.
"""
import ast
import json
import os
import pathlib
import re
import subprocess
import sys
from fractions import Fraction

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

GEN, GRPO, WORK = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
WORK.mkdir(parents=True, exist_ok=True)
FILES = ("train.jsonl", "eval.jsonl", "corpus.jsonl", "tokenizer.json", "tokenizer_config.json", "stats.json")
SMALL = ["--train", "300", "--eval", "100", "--corpus", "2000"]
# DeepSeek-R1 paper, Table 1 (the "r1_zero" prompt template), written out independently here.
R1_ZERO = ("A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
           "The assistant first thinks about the reasoning process in the mind and then provides the user with the "
           "answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> "
           "tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>. "
           "User: {}. Assistant:")
EOS = "<|endoftext|>"
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def gen_all(runs):
    """Runs gen_countdown once per (out, flags) at the same time (each start loads LibTorch: ~1 s)."""
    procs = [(out, flags, subprocess.Popen([GEN, "--out", str(WORK / out), *flags], stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True)) for out, flags in runs]
    for out, flags, p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            sys.exit(f"gen_countdown {' '.join(flags)} failed ({p.returncode}): {err}")
    return [WORK / out for out, _, _ in procs]


def rows(path):
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def key(nums, target):
    return (tuple(sorted(nums)), target)


def evaluate(expr):
    """(value as Fraction, numbers used) of an expression of integers, + - * / and parentheses."""
    def walk(n):
        if isinstance(n, ast.Constant) and isinstance(n.value, int):
            return Fraction(n.value), [n.value]
        if isinstance(n, ast.BinOp) and type(n.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div):
            (a, na), (b, nb) = walk(n.left), walk(n.right)
            if isinstance(n.op, ast.Div) and b == 0:
                raise ValueError("division by zero")
            v = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}.get(type(n.op)) if not isinstance(n.op, ast.Div) else a / b
            return v, na + nb
        raise ValueError(f"not allowed: {ast.dump(n)}")
    return walk(ast.parse(expr.strip(), mode="eval").body)


def solves(expr, nums, target):
    try:
        value, used = evaluate(expr)
    except (ValueError, SyntaxError):
        return False
    return sorted(used) == sorted(nums) and value == target


# ---- determinism
KNOBS = ["--correct-frac", "0.8", "--tagged-frac", "0.2", "--reflect-frac", "0"]
a, b, c, knob = gen_all([("a", SMALL), ("b", SMALL), ("c", SMALL + ["--seed", "2"]), ("knob", SMALL + KNOBS)])
for f in FILES:
    check((a / f).read_bytes() == (b / f).read_bytes(), f"determinism: {f} differs between two runs with seed 1")
check((a / "train.jsonl").read_bytes() != (c / "train.jsonl").read_bytes(), "seed 2 gave the same train.jsonl as seed 1")

# ---- splits
train, evals = rows(a / "train.jsonl"), rows(a / "eval.jsonl")
check((len(train), len(evals)) == (300, 100), f"split sizes {len(train)}, {len(evals)} != 300, 100")
train_keys, eval_keys = {key(r["nums"], r["target"]) for r in train}, {key(r["nums"], r["target"]) for r in evals}
check(len(train_keys) == len(train) and len(eval_keys) == len(evals), "a task appears twice within a split")
check(not train_keys & eval_keys, f"{len(train_keys & eval_keys)} tasks in both train and eval")
for r in train + evals:
    check(set(r) == {"prompt", "nums", "target", "solution"}, f"row fields {sorted(r)}")
    check(r["prompt"] == f"Using the numbers [{', '.join(map(str, r['nums']))}], create an equation that equals "
          f"{r['target']}", f"prompt text: {r['prompt']!r}")
    check(len(r["nums"]) == 3 and all(1 <= n <= 9 for n in r["nums"]) and 1 <= r["target"] <= 99, f"ranges: {r}")
    check(solves(r["solution"], r["nums"], r["target"]), f"solution does not solve its task: {r}")


def grpo_reward(samples):
    inp = WORK / "reward_in.jsonl"
    inp.write_text("".join(json.dumps(s) + "\n" for s in samples))
    here = pathlib.Path(__file__).resolve().parent
    out = subprocess.run([GRPO, "reward", "--config", str(here / "rewards.yaml"), "--input", str(inp)],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(l)["scores"] for l in out.splitlines()]


scores = grpo_reward([{"prompt": R1_ZERO.format(r["prompt"]), "completion": f" <think> </think> <answer> {r['solution']} </answer>",
                       "nums": r["nums"], "target": r["target"]} for r in train + evals])
check(all(s["countdown"] == 1.0 and s["format"] == 1.0 for s in scores), "grpo reward does not give 1 to every solution")

# ---- corpus
TASK = re.compile(r"Using the numbers \[([0-9, ]+)\], create an equation that equals (\d+)")
TAGGED = re.compile(r"\s*<think>.*</think>\s*<answer>.*</answer>\s*", re.S)


def judge(text):
    """(task key, completion, right, tagged, reflected) of a corpus text, read with Python only."""
    m = re.match(r"(?s)" + re.escape(R1_ZERO.split("{}")[0]) + r"(.*?)" + re.escape(R1_ZERO.split("{}")[1]), text)
    assert m, text[:200]
    t = TASK.fullmatch(m.group(1))
    assert t, m.group(1)
    nums, target = [int(x) for x in t.group(1).split(", ")], int(t.group(2))
    completion = text[m.end():]
    assert completion.endswith(EOS) and completion.count(EOS) == 1, completion
    completion = completion[: -len(EOS)]
    answers = re.findall(r"<answer>(.*?)</answer>", completion)
    said = re.findall(r"the answer is (.*)\.$", completion)
    answer = (answers or said or [""])[-1]
    tagged = bool(TAGGED.fullmatch(completion)) and all(completion.count(x) == 1 for x in
                                                        ("<think>", "</think>", "<answer>", "</answer>"))
    return key(nums, target), completion, solves(answer, nums, target), tagged, "wait, check:" in completion, bool(answers)


def corpus_stats(d):
    texts = [r["text"] for r in rows(d / "corpus.jsonl")]
    split_keys = {key(r["nums"], r["target"]) for r in rows(d / "train.jsonl")}
    eval_keys_d = {key(r["nums"], r["target"]) for r in rows(d / "eval.jsonl")}
    judged = [judge(t) for t in texts]
    check(all(j[0] in split_keys for j in judged), f"{d.name}: a corpus text is over a task outside train")
    check(not any(j[0] in eval_keys_d for j in judged), f"{d.name}: a corpus text is over an eval task")
    eval_prompts = {R1_ZERO.format(r["prompt"]) for r in rows(d / "eval.jsonl")}
    check(not any(t.startswith(p) for t in texts for p in eval_prompts),
          f"{d.name}: an eval prompt occurs in the corpus")
    n = len(judged)
    return texts, judged, {"right": sum(j[2] for j in judged) / n, "tagged": sum(j[3] for j in judged) / n,
                           "reflected": sum(j[4] for j in judged) / n,
                           "rewarded": sum(j[2] and j[5] for j in judged) / n}


texts, judged, st = corpus_stats(a)
stats = json.loads((a / "stats.json").read_text())
print("corpus (defaults):", st)
check(abs(st["right"] - 0.35) < 0.04 and abs(st["tagged"] - 0.5) < 0.04 and abs(st["reflected"] - 0.2) < 0.04,
      f"default knobs 0.35/0.5/0.2 not honoured: {st}")
for ours, theirs in (("right", "frac_correct"), ("tagged", "frac_format_reward_1"), ("rewarded", "frac_countdown_reward_1"),
                     ("reflected", "frac_reflected")):
    check(abs(st[ours] - stats[theirs]) < 1e-9, f"stats.json {theirs} = {stats[theirs]} but Python finds {st[ours]}")
sample = judged[:400]
scores = grpo_reward([{"completion": j[1], "prompt": "", "nums": list(j[0][0]), "target": j[0][1]} for j in sample])
check(all((s["countdown"] == 1.0) == (j[2] and j[5]) and (s["format"] == 1.0) == j[3] for s, j in zip(scores, sample)),
      "grpo reward disagrees with the Python judgement of corpus completions")
_, _, st2 = corpus_stats(knob)
print("corpus (0.8/0.2/0):", st2)
check(abs(st2["right"] - 0.8) < 0.04 and abs(st2["tagged"] - 0.2) < 0.04 and st2["reflected"] == 0,
      f"knobs 0.8/0.2/0 not honoured: {st2}")
check((knob / "train.jsonl").read_bytes() == (a / "train.jsonl").read_bytes(), "corpus knobs changed the task split")

# ---- tokenizer: HF tokenizers and transformers vs grpo tokenize
import tokenizers  # noqa: E402
import transformers  # noqa: E402

tk = tokenizers.Tokenizer.from_file(str(a / "tokenizer.json"))
tf = transformers.AutoTokenizer.from_pretrained(str(a), local_files_only=True)
probe = texts[:300] + [R1_ZERO.format(r["prompt"]) for r in evals[:50]] + [
    "12345678901234567890", "  two  spaces\n\nand\ttabs ", "<think><answer></answer></think>" + EOS + EOS,
    "unicode: naïve café 多语言 🌍", "x<think>y</think >z", "(((9-8)))*7/3=2.3333", ""]
inp = WORK / "tok_in.jsonl"
inp.write_text("".join(json.dumps({"text": t}) + "\n" for t in probe))
ours = [json.loads(l)["ids"] for l in subprocess.run([GRPO, "tokenize", "--tokenizer", str(a), "--input", str(inp)],
                                                      capture_output=True, text=True, check=True).stdout.splitlines()]
check(len(ours) == len(probe), "grpo tokenize returned a different number of lines")
for text, mine in zip(probe, ours):
    ref = tk.encode(text, add_special_tokens=False).ids
    check(mine == ref, f"ids differ from HF tokenizers on {text[:60]!r}: {mine[:20]} vs {ref[:20]}")
    check(tf(text, add_special_tokens=False)["input_ids"] == ref, f"transformers disagrees on {text[:60]!r}")
    check(tk.decode(ref, skip_special_tokens=False) == text, f"HF decode does not round-trip {text[:60]!r}")
check(tf.eos_token_id == 0 and tk.token_to_id(EOS) == 0 and stats["eos_id"] == 0, "eos is not id 0")
# The corpus has few distinct words: BPE runs out of pairs seen twice before 512 (every word is one token).
check(len(tf) == tk.get_vocab_size() == stats["vocab_size"] and 261 + 100 < len(tf) <= 512,
      f"vocab size {len(tf)} / {tk.get_vocab_size()} / {stats['vocab_size']}")
digits = tk.encode("1234567890").tokens
check(len(digits) == 10, f"digits are not single tokens: {digits}")

# ---- the demo model config fits the tokenizer, and a random model of it samples with the r1_zero template
here = pathlib.Path(__file__).resolve().parent
cfg = json.loads((here / "model_config.json").read_text())
check(cfg["vocab_size"] >= len(tf) and cfg["eos_token_id"] == tf.eos_token_id and cfg["tie_word_embeddings"],
      f"model_config.json: vocab_size {cfg['vocab_size']}, eos {cfg['eos_token_id']} vs tokenizer {len(tf)}, {tf.eos_token_id}")
subprocess.run([GRPO, "init-model", "--config", str(here / "model_config.json"), "--tokenizer", str(a),
                "--out", str(WORK / "init")], capture_output=True, check=True)
(WORK / "prompts.jsonl").write_text(json.dumps({"prompt": evals[0]["prompt"]}) + "\n")
gen_out = subprocess.run([GRPO, "generate", "--model", str(WORK / "init"), "--prompts", str(WORK / "prompts.jsonl"),
                          "--template", "r1_zero", "--max-new-tokens", "4"], capture_output=True, text=True, check=True)
check(len(json.loads(gen_out.stdout)["ids"]) >= 1, f"grpo generate: {gen_out.stdout[:200]}")

# ---- errors
errors = [(["--ops", "-"], "neither + nor *"), (["--numbers", "2", "--train", "5000"], "distinct tasks"),
          (["--correct-frac", "1.5"], "fraction")]
procs = [subprocess.Popen([GEN, "--out", str(WORK / f"err{i}"), *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) for i, (flags, _) in enumerate(errors)]
for (flags, needle), p in zip(errors, procs):
    _, err = p.communicate()
    check(p.returncode == 1 and needle in err and "HINT" in err, f"{flags}: rc {p.returncode}, {err!r}")

print(f"check_countdown: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
