#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's main command: installs dependencies, builds, and runs the flagship experiment,
# gradient_histogram (short version, a few minutes on 2 cores): where the activation gradients
# of an MLP and a CNN trained on Fashion-MNIST lie on fp16's number line, and how many fp16
# loses with and without loss scaling. Prints a three-line summary and where the plots are.
# Other experiments: build/bin/mpsim run --list (docs/experiments.md); a tour of the CLI on a
# few numbers: bash scripts/tour.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh mpsim_cli
out=${1:-runs/gradient_histogram}
mkdir -p "$(dirname "$out")"
echo "gradient_histogram: training an MLP and a CNN in fp32 and probing their activation gradients..."
build/bin/mpsim run gradient_histogram --out "$out" 2> "${out%/}.log" || { cat "${out%/}.log"; exit 1; }
