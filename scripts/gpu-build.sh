#!/usr/bin/env bash
# Builds grpo.cpp on the GPU machine and runs the test suite there, GPU tests included.
# That machine has torch 2.11 (cu130) and nvcc but no network and none of our Debian libraries:
# they travel as .deb files in .devdeps/ (see ../shared/device/README.md), and the oracles'
# missing Python packages (math-verify) as wheels in .whl/. Usage on the GPU machine:
#   bash scripts/gpu-build.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash .devdeps/unpack.sh)"
if compgen -G ".whl/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
fi
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DGRPO_PYTHON="$(command -v python3)" >/dev/null
ninja -C build-gpu
build-gpu/grpo --version
cd build-gpu && ctest --output-on-failure -j 8 "$@"
