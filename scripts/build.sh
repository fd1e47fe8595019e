#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds mpsim (Release) into build/ with every core: scripts/build.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The CUDA backend whenever nvcc is present (PATH or /usr/local/cuda/bin), so CI compiles every
# kernel; set explicitly because an older build/ may have cached MPSIM_CUDA=OFF.
cuda=OFF
if command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ]; then cuda=ON; fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMPSIM_CUDA=$cuda >/dev/null
cmake --build build --parallel "$(nproc)" ${1:+--target "$@"}
