#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A tour of the mpsim command line on a few numbers a mixed-precision user meets: installs
# dependencies, builds, then formats, explain, testfloat, dot, scaler and a short train run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh mpsim_cli
mpsim=build/bin/mpsim
run() { echo; echo "\$ mpsim $*"; "$mpsim" "$@"; }
run formats
run explain 0.1 --format fp16
run explain 1e-6 --format fp16
run explain 1e-8 --format fp16
run explain 1e-8 --format bf16
run explain 500 --format e4m3
echo
echo '$ echo "87FF E850" | mpsim testfloat f16_add'
echo "87FF E850" | "$mpsim" testfloat f16_add
echo
echo "# 1 + (1.5*2^-12)(2^-12) = 1 + 0.75 ulp: a Hopper tensor core truncates (FACTS.md 8), fp32 rounds to nearest"
echo '$ printf "0E00 0C00 3F800000\\n" | mpsim dot --in fp16 --model sm90'
printf '0E00 0C00 3F800000\n' | "$mpsim" dot --in fp16 --model sm90
echo '$ printf "0E00 0C00 3F800000\\n" | mpsim dot --in fp16 --model fp32-sequential'
printf '0E00 0C00 3F800000\n' | "$mpsim" dot --in fp16 --model fp32-sequential
run scaler --preset pytorch --interval 3 --steps 6 --overflow-at 2
echo
echo "# Three epochs of an MLP on the spirals set under amp-fp16 (fp16 compute, fp32 master weights,"
echo "# PyTorch's dynamic loss scaler); the full Fashion-MNIST runs are in docs/results.md"
run_dir=$(mktemp -d)
trap 'rm -rf "$run_dir"' EXIT
run train --data spirals --hidden 32,32 --epochs 3 --batch 64 --policy amp-fp16 --optimizer adam --lr 0.01 \
  --quiet --out "$run_dir/run"
