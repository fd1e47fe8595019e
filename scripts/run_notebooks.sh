#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Executes the four notebooks (docs/notebooks.md) top to bottom against the run directories in
# runs/, writing the executed copies (outputs and plots included) to build/notebooks/.
# Builds mpsim when build/bin/mpsim is missing and runs an experiment whose runs/ directory is
# missing (its short version; --quick: the seconds-long one). Usage: scripts/run_notebooks.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
size=()
case "${1:-}" in
  "") ;;
  --quick) size=(--quick) ;;
  *) echo "usage: scripts/run_notebooks.sh [--quick]" >&2; exit 2 ;;
esac

[ -x build/bin/mpsim ] || bash scripts/build.sh mpsim_cli
for experiment in gradient_histogram loss_scale_sweep dynamic_scaling; do
  if [ ! -f "runs/$experiment/summary.json" ]; then
    build/bin/mpsim run "$experiment" "${size[@]}" --out "runs/$experiment"
  fi
done

root=$(pwd)
export MPSIM_BIN="$root/build/bin/mpsim"
export MPSIM_GRADIENT_HISTOGRAM_DIR="$root/runs/gradient_histogram"
export MPSIM_LOSS_SCALE_SWEEP_DIR="$root/runs/loss_scale_sweep"
export MPSIM_DYNAMIC_SCALING_DIR="$root/runs/dynamic_scaling"
export MPSIM_VALIDATION_DIR="$root/docs/validation"
export PYDEVD_DISABLE_FILE_VALIDATION=1   # silences ipykernel's debugger warning
for notebook in notebooks/0*.ipynb; do
  /usr/bin/jupyter nbconvert --to notebook --execute --output-dir build/notebooks "$notebook"
done
echo "executed notebooks: build/notebooks/"
