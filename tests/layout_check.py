#!/usr/bin/env python3
"""Checks the layering rules of docs/ARCHITECTURE.md by reading #include lines.

  src  <-  rollout  <-  trainer  <-  src/grpo.h  <-  src/cli, examples
  src  <-  rewards  <-  trainer
rollout/ and rewards/ never include each other; rewards/ and the torch-free parts of src/
(src/util, src/config, src/tokenizer) never include LibTorch (they skip the torch PCH);
nothing includes src/cli/. Every tests/<dir>/<name>_test.cpp names an existing <dir>/<name>.{h,cuh,cpp,cu}.
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
TORCH = ("torch/", "ATen/", "c10/", "caffe2/")
TORCH_FREE = ("rewards/", "src/util/", "src/config/", "src/tokenizer/", "src/metrics/", "src/checkpoint/", "src/data/", "src/pipeline/", "src/report/")
TORCH_PCH = "src/util/torch_pch.h"  # the one torch include under src/util: the precompiled header
# Layer -> prefixes it must not include.
FORBIDDEN = {
    "src/": ("rollout/", "rewards/", "trainer/", "src/cli/"),
    "rollout/": ("rewards/", "trainer/", "src/cli/", "src/grpo.h"),
    "rewards/": ("rollout/", "trainer/", "src/cli/", "src/grpo.h"),
    "trainer/": ("src/cli/", "src/grpo.h"),
    "examples/": ("src/cli/",),
}
EXEMPT = ("src/grpo.h", "src/grpo.cpp", "src/cli/")

errors = []
for path in sorted(p for ext in ("*.h", "*.cuh", "*.cpp", "*.cu") for p in root.glob("**/" + ext)):
    rel = path.relative_to(root).as_posix()
    if rel.startswith((".venv/", "build", "tests/", ".devdeps/")):
        continue
    text = path.read_text(errors="replace")
    for inc in INCLUDE.findall(text):
        if rel.startswith(TORCH_FREE) and inc.startswith(TORCH) and rel != TORCH_PCH:
            errors.append(f"{rel}: includes <{inc}>, but {rel.split('/')[0]}/ must stay torch-free")
        if rel.startswith(EXEMPT):
            continue
        for layer, banned in FORBIDDEN.items():
            if rel.startswith(layer) and inc.startswith(banned):
                errors.append(f"{rel}: includes \"{inc}\", which points the wrong way (see docs/ARCHITECTURE.md)")

# libtorch exports a broken copy of these (see src/util/fs.h): use grpo::remove_tree instead.
BANNED_CALLS = re.compile(r"\b(remove_all|recursive_directory_iterator)\b")
for path in sorted(p for ext in ("*.h", "*.cpp") for p in root.glob("**/" + ext)):
    rel = path.relative_to(root).as_posix()
    if rel.startswith((".venv/", "build", ".devdeps/")) or rel == "src/util/fs.h":
        continue
    for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        if BANNED_CALLS.search(line) and not line.lstrip().startswith("//"):
            errors.append(f"{rel}:{n}: std::filesystem::remove_all/recursive_directory_iterator: use grpo::remove_tree (src/util/fs.h)")

for test in sorted(root.glob("tests/**/*_test.cpp")):
    rel = test.relative_to(root / "tests").as_posix()
    stem = rel[: -len("_test.cpp")]
    if not any((root / (stem + ext)).exists() for ext in (".h", ".cuh", ".cpp", ".cu")):
        errors.append(f"tests/{rel}: no {stem}.h or {stem}.cpp to test: name a test after the file it tests")

for e in errors:
    print("layout_check:", e)
print(f"layout_check: {len(errors)} problem(s)")
sys.exit(1 if errors else 0)
