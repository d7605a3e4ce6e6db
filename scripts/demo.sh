#!/usr/bin/env bash
# `make demo`: runs what the toolkit can do today on CPU. The countdown R1-Zero experiment
# replaces this once the trainer lands (issue: learning you can see).
set -euo pipefail
build=${1:-build}
"$build/grpo" --version
"$build/grpo" info
