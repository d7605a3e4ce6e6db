#!/usr/bin/env python3
"""Oracle for the math accuracy reward: runs HF math-verify on every (gold, prediction) pair of
tests/data/math_pairs.jsonl and writes argv[1]/math_verify_verdicts.jsonl, one line per pair:
{"id", "verdict", "gold_parsed", "pred_parsed"}. Run by CTest before test_rewards.

Protocol (the one verl's math_verify scorer uses for the gold; math-verify has no <answer> tag):
  gold       -> parse("\\boxed{" + gold + "}")  (as is when it already holds \\boxed)
  prediction -> the text of the last <answer>...</answer> wrapped the same way when the tags are
                there, else the whole completion as math-verify's own extraction sees it.
"""
import json
import os
import pathlib
import re
import sys

import math_verify
from math_verify import parse, verify

ANSWER = re.compile(r"<answer>(.*?)</answer>", re.S)


def boxed(text):
    return text if "\\boxed" in text else "\\boxed{" + text + "}"


def prediction_text(completion):
    tags = ANSWER.findall(completion)
    return boxed(tags[-1].strip()) if tags else completion


def main():
    out_dir = pathlib.Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    source = pathlib.Path(os.environ.get("GRPO_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[3]))
    rows = [json.loads(line) for line in (source / "tests/data/math_pairs.jsonl").read_text().splitlines() if line.strip()]
    with open(out_dir / "math_verify_verdicts.jsonl", "w") as out:
        for row in rows:
            gold = parse(boxed(row["gold"]))
            pred = parse(prediction_text(row["prediction"]))
            verdict = bool(verify(gold, pred))
            out.write(json.dumps({"id": row["id"], "verdict": verdict, "gold_parsed": str(gold),
                                  "pred_parsed": str(pred)}) + "\n")
    meta = {"math_verify": getattr(math_verify, "__version__", "unknown"), "pairs": len(rows)}
    (out_dir / "math_verify_verdicts.meta.json").write_text(json.dumps(meta) + "\n")
    print(f"oracle_math_verify: {len(rows)} verdicts -> {out_dir}")


if __name__ == "__main__":
    main()
