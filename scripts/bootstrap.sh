#!/usr/bin/env bash
# Installs everything grpo.cpp needs to build and test, idempotently:
#   1. Debian packages (compiler, cmake, ninja, the C++ libraries, ccache, python3-venv);
#   2. a project-local .venv with torch==2.11.0 (its wheel carries LibTorch) and the
#      test-only Python oracles listed in tools/requirements.txt.
# A second run finds both in place and returns in about a second.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

debs=(build-essential cmake ninja-build pkg-config ccache python3-venv
      libre2-dev libcli11-dev libcpp-httplib-dev libgtest-dev libgmock-dev nlohmann-json3-dev
      libyaml-cpp-dev libutf8proc-dev libfmt-dev)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

venv="$root/.venv"
stamp="$venv/.grpo-requirements"
want=$(sha256sum tools/requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: creating $venv (torch 2.11.0 + test oracles; a few GB on first run)"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -r tools/requirements.txt
  echo "$want" > "$stamp"
fi
