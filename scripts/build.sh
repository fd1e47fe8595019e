#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds mpsim (Release) into build/ with every core: scripts/build.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel "$(nproc)" ${1:+--target "$@"}
