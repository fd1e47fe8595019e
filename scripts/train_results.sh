#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The full-length Fashion-MNIST runs behind docs/results.md: the benchmark MLP and the small CNN
# under each precision policy, same seed and epochs, every run timed with /usr/bin/time -v.
#   bash scripts/train_results.sh [OUTDIR] [JOBS] [THREADS]
# MPSIM=path/to/mpsim and DATA=fashion-mnist|DIR override the binary and the data set.
# Runs JOBS trainings at once with THREADS threads each (results never depend on either).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs}
jobs=${2:-1}
threads=${3:-2}
mpsim=${MPSIM:-build/bin/mpsim}
data=${DATA:-fashion-mnist}
[ -x "$mpsim" ] || bash scripts/build.sh
mkdir -p "$out"

common=(--data "$data" --optimizer adam --lr 0.001 --batch 128 --seed 1 --threads "$threads" --quiet)
runs=(
  "mlp-fp32            --model mlp --epochs 15 --policy fp32"
  "mlp-amp-fp16        --model mlp --epochs 15 --policy amp-fp16 --scaler pytorch"
  "mlp-amp-bf16        --model mlp --epochs 15 --policy amp-bf16"
  "mlp-fp8             --model mlp --epochs 15 --policy fp8"
  "mlp-pure-bf16       --model mlp --epochs 15 --policy pure-bf16"
  "mlp-pure-bf16-sr    --model mlp --epochs 15 --policy pure-bf16-sr"
  "mlp-pure-bf16-kahan --model mlp --epochs 15 --policy pure-bf16-kahan"
  "mlp-pure-fp16-nan   --model mlp --epochs 1 --train-limit 2560 --policy pure-fp16 --scaler none"
  "mlp-pure-fp16-eps4  --model mlp --epochs 15 --policy pure-fp16 --scaler none --eps 1e-4"
  "mlp-pure-fp16-eps4-pytorch --model mlp --epochs 15 --policy pure-fp16 --scaler pytorch --eps 1e-4"
  "mlp-sgd-fp32        --model mlp --epochs 10 --policy fp32 --optimizer sgd --lr 0.05 --momentum 0.9"
  "mlp-sgd-pure-fp16   --model mlp --epochs 10 --policy pure-fp16 --scaler none --optimizer sgd --lr 0.05 --momentum 0.9"
  "mlp-sgd-pure-fp16-sr --model mlp --epochs 10 --policy pure-fp16-sr --scaler none --optimizer sgd --lr 0.05 --momentum 0.9"
  "cnn-fp32            --model cnn --epochs 10 --policy fp32"
  "cnn-amp-fp16        --model cnn --epochs 10 --policy amp-fp16 --scaler pytorch"
)

run_one() {
  local name=$1; shift
  rm -rf "${out:?}/$name"
  if /usr/bin/time -v -o "$out/$name.time" "$mpsim" train "${common[@]}" "$@" --out "$out/$name" >"$out/$name.log" 2>&1; then
    echo "$name: $(tail -n 1 "$out/$name.log")"
  else
    echo "$name: FAILED (see $out/$name.log)"
  fi
}

for spec in "${runs[@]}"; do
  # shellcheck disable=SC2086
  run_one $spec &
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
done
wait
echo
printf '%-28s %10s %10s %8s %12s\n' run accuracy wall peakRSS_MB skipped
for spec in "${runs[@]}"; do
  name=${spec%% *}
  acc=$(grep -o '"test_accuracy": [0-9.]*' "$out/$name/summary.json" 2>/dev/null | cut -d' ' -f2)
  skipped=$(grep -o '"skipped_steps": [0-9]*' "$out/$name/summary.json" 2>/dev/null | cut -d' ' -f2)
  wall=$(grep 'Elapsed (wall clock)' "$out/$name.time" 2>/dev/null | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$out/$name.time" 2>/dev/null | awk '{printf "%.0f", $NF / 1024}')
  printf '%-28s %10s %10s %8s %12s\n' "$name" "${acc:-?}" "${wall:-?}" "${rss:-?}" "${skipped:-?}"
done
