#!/usr/bin/env bash
# Regenerates docs/config.md from the config structs' own field lists (`grpo train --config-reference`).
# tests/trainer/grpo_config_test.cpp fails when the committed file is stale.
#   tools/gen_config_doc.sh [path/to/grpo]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
grpo="${1:-$root/build/grpo}"
{
  cat "$root/docs/config_header.md"
  "$grpo" train --config-reference
  cat "$root/docs/config_footer.md"
} > "$root/docs/config.md"
echo "wrote $root/docs/config.md"
